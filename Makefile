# Confidant - one GNU Makefile.
#   make            install missing Debian packages, build build/release/confidant
#   make run        build, create the demo practice in var/demo once, serve it
#   make test       the whole suite (unit + API + browser) under ASan+UBSan
#   make bench      benchmarks that print figures (not part of test)
#   make SANITIZE=address,undefined ...   sanitised build in build/asan
#   make check      scripts/checksrc (format, banned functions, layering, PHI in logs)
#   make format     apply .clang-format

SHELL := /bin/bash
.DEFAULT_GOAL := all

ifneq ($(filter test test-unit test-api test-web,$(MAKECMDGOALS)),)
SANITIZE ?= address,undefined
endif
ifeq ($(SANITIZE),none)
override SANITIZE :=
endif

ifeq ($(SANITIZE),)
VARIANT := release
OPT := -O2
SANFLAGS :=
else
VARIANT := asan
OPT := -O1 -fno-omit-frame-pointer
SANFLAGS := -fsanitize=$(SANITIZE) -fno-sanitize-recover=all
endif

BUILD := build/$(VARIANT)
BIN := $(BUILD)/confidant
PKGS := libmicrohttpd jansson sqlite3 libsodium libzstd gnutls liboath libqrencode
PKGS += libical
PKGS += libcurl
PKGS += zlib
PKGS += cairo pangocairo
DEPS_STAMP := build/.deps-ok

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wcast-qual -Wpointer-arith -fno-common
HARDEN := -fstack-protector-strong -fPIE
ifeq ($(SANITIZE),)
HARDEN += -D_FORTIFY_SOURCE=2
endif
CFLAGS := -std=c17 -D_GNU_SOURCE= -DCONFIDANT_WEB_DIR=\"$(CURDIR)/web\" $(OPT) -g $(WARN) $(HARDEN) $(SANFLAGS) -Isrc -I$(BUILD)/gen \
	$(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDFLAGS := -pie -Wl,-z,relro,-z,now $(SANFLAGS)
LDLIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread
LDLIBS += -lwslay # WebSocket framing (libwslay-dev ships no pkg-config file)

SRCS := $(shell find src -name '*.c' | sort)
MAIN := src/cli/main.c
LIBSRCS := $(filter-out $(MAIN),$(SRCS))
OBJS := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIBSRCS)) $(BUILD)/obj/gen/migrations.o \
	$(BUILD)/obj/gen/blocklist.o
OBJS += $(BUILD)/obj/gen/icd10_list.o
MIGRATIONS := $(sort $(wildcard src/store/migrations/*.sql))

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

.PHONY: print-pkgs all deps run test test-unit test-api test-web test-fuzz bench check format clean
all: $(BIN)

deps: $(DEPS_STAMP)
$(DEPS_STAMP): scripts/deps.sh
	@scripts/deps.sh
	@mkdir -p build && touch $@

# Library flags are read after deps.sh ran, so a fresh machine works in one go.
$(BIN): $(DEPS_STAMP) $(OBJS) $(BUILD)/obj/cli/main.o
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(BUILD)/obj/cli/main.o $(LDLIBS) \
		$$(pkg-config --libs $(PKGS))

$(BUILD)/obj/%.o: src/%.c $(DEPS_STAMP) | $(BUILD)/gen/migrations.h $(BUILD)/gen/blocklist.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $$(pkg-config --cflags $(PKGS)) -MMD -MP -c -o $@ $<

$(BUILD)/gen/migrations.c $(BUILD)/gen/migrations.h: $(MIGRATIONS) scripts/embed-sql.sh
	@mkdir -p $(BUILD)/gen
	scripts/embed-sql.sh $(BUILD)/gen $(MIGRATIONS)

$(BUILD)/obj/gen/migrations.o: $(BUILD)/gen/migrations.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# The password blocklist, compiled in so the binary never reads it from disk.
$(BUILD)/gen/blocklist.c $(BUILD)/gen/blocklist.h: data/password-blocklist.txt scripts/embed-blocklist.sh
	@mkdir -p $(BUILD)/gen
	scripts/embed-blocklist.sh $(BUILD)/gen data/password-blocklist.txt

$(BUILD)/obj/gen/blocklist.o: $(BUILD)/gen/blocklist.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# The ICD-10-CM code list, compiled in the same way (domain/icd10.c).
$(BUILD)/gen/icd10_list.c $(BUILD)/gen/icd10_list.h: data/icd10cm.tsv scripts/embed-icd10.sh
	@mkdir -p $(BUILD)/gen
	scripts/embed-icd10.sh $(BUILD)/gen data/icd10cm.tsv

$(BUILD)/obj/gen/icd10_list.o: $(BUILD)/gen/icd10_list.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj/domain/icd10.o: | $(BUILD)/gen/icd10_list.h

$(BUILD)/tests/%: LDFLAGS += -lwslay # after $(OBJS) on the link line: no pkg-config file
$(BUILD)/tests/%: tests/unit/%.c $(OBJS) tests/unit/unit.h tests/unit/unit_store.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $$(pkg-config --cflags $(PKGS) cmocka) -Itests/unit -o $@ $< $(OBJS) \
		$(LDFLAGS) $$(pkg-config --libs $(PKGS) cmocka) -lpthread

run: $(BIN)
	@scripts/run-demo.sh $(BIN)

test: check test-unit test-api test-web test-fuzz

test-unit: $(BIN) $(UNIT_BINS)
	@scripts/test-unit.sh $(UNIT_BINS)

test-api: $(BIN)
	@scripts/test-api.sh $(BIN)

test-web: $(BIN)
	@scripts/test-web.sh $(BIN)

# A short libFuzzer run of every parser target (longer: scripts/fuzz.sh 300).
test-fuzz: $(DEPS_STAMP)
	@$(MAKE) --no-print-directory SANITIZE=none all >/dev/null
	@PKGS="$(PKGS)" scripts/fuzz.sh $${FUZZ_SECONDS:-5}

bench: $(BIN)
	@PKGS="$(PKGS)" scripts/bench.sh $(BIN)

check: $(DEPS_STAMP)
	@scripts/checksrc

format:
	clang-format -i $$(find src tests/unit -name '*.[ch]')

print-pkgs:
	@echo $(PKGS)

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
