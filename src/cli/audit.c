/*
 * audit.c - `confidant audit verify | checkpoint | export-checkpoints`.
 *
 * verify walks the hash chain and every signed checkpoint, and with
 * --checkpoints also checks checkpoints exported earlier (kept somewhere
 * the database's users cannot change), which is what catches a truncated
 * trail or an older copy restored over a newer one. export-checkpoints
 * writes them as JSON lines; the file holds no secret and no PHI.
 * Never: writes to the practice during verify, or replaces an exported file
 * whose checkpoints the database no longer matches.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "core/buf.h"
#include "core/file.h"
#include "domain/audit_report.h"
#include "domain/domain.h"

/* Longest line of an exported checkpoints file. */
#define LINE_MAX_BYTES 4096

static const char verify_usage[] =
        "usage: confidant audit verify --data DIR [--checkpoints FILE] [--keyfile FILE]\n"
        "\n"
        "Check every event of the audit trail against its keyed hash chain, and\n"
        "every signed checkpoint. With --checkpoints, also check checkpoints\n"
        "exported earlier (confidant audit export-checkpoints): this catches a\n"
        "trail cut short or an older copy of the database restored.\n"
        "Prints the number of events and checkpoints; exits 1 naming the first\n"
        "event that was changed, inserted, deleted or reordered.\n";

static const char checkpoint_usage[] =
        "usage: confidant audit checkpoint --data DIR [--keyfile FILE]\n"
        "\n"
        "Record an audit.checkpoint event and sign a checkpoint of the trail at\n"
        "it now (Confidant also signs one every 1000 events or every minute of\n"
        "activity).\n";

static const char export_usage[] =
        "usage: confidant audit export-checkpoints --data DIR --out FILE [--keyfile FILE]\n"
        "\n"
        "Write every signed checkpoint to FILE as JSON lines (seq, head, at,\n"
        "signature, public_key). The file is not secret; keep copies where the\n"
        "practice's database cannot reach them, and pass one to\n"
        "`confidant audit verify --checkpoints FILE`. The trail is verified\n"
        "first; an existing FILE is replaced only if the database still matches\n"
        "every checkpoint in it.\n";

/* ---- hex -------------------------------------------------------------------- */

static void hex_put(char *out, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* hex_get - exactly n bytes from 2n hex digits. */
static enum err hex_get(unsigned char *out, size_t n, const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != 2 * n)
		return ERR_INVAL;
	for (i = 0; i < n; i++) {
		int hi = hex_val(s[2 * i]), lo = hex_val(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return ERR_INVAL;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return ERR_OK;
}

/* ---- the exported format ------------------------------------------------------ */

/* checkpoint_line - one checkpoint as a JSON line. */
static enum err checkpoint_line(struct buf *b, const struct audit_checkpoint *c)
{
	char head[65], sig[129], pk[65];

	hex_put(head, c->head, sizeof c->head);
	hex_put(sig, c->signature, sizeof c->signature);
	hex_put(pk, c->public_key, sizeof c->public_key);
	return buf_printf(b,
	                  "{\"seq\":%lld,\"head\":\"%s\",\"at\":%lld,\"signature\":\"%s\","
	                  "\"public_key\":\"%s\"}\n",
	                  (long long)c->seq, head, (long long)c->at, sig, pk);
}

/* parse_line - one exported checkpoint from a JSON line. */
static enum err parse_line(const char *line, size_t n, struct audit_checkpoint *c)
{
	json_error_t jerr;
	json_t *o = json_loadb(line, n, JSON_REJECT_DUPLICATES, &jerr);
	json_t *seq, *at;
	enum err e = ERR_INVAL;

	memset(c, 0, sizeof *c);
	if (!json_is_object(o))
		goto out;
	seq = json_object_get(o, "seq");
	at = json_object_get(o, "at");
	if (!json_is_integer(seq) || !json_is_integer(at) || json_object_size(o) != 5)
		goto out;
	c->seq = json_integer_value(seq);
	c->at = json_integer_value(at);
	e = hex_get(c->head, sizeof c->head, json_string_value(json_object_get(o, "head")));
	if (e == ERR_OK)
		e = hex_get(c->signature, sizeof c->signature,
		            json_string_value(json_object_get(o, "signature")));
	if (e == ERR_OK)
		e = hex_get(c->public_key, sizeof c->public_key,
		            json_string_value(json_object_get(o, "public_key")));
out:
	json_decref(o);
	return e;
}

/* ---- messages ------------------------------------------------------------------ */

/* report_fault - one line naming what verification found. Returns 1. */
static int report_fault(const char *cmd, const struct audit_verify_result *r, const char *file)
{
	long long seq = (long long)r->fault_seq, last = (long long)r->last_seq;

	switch (r->fault) {
	case AUDIT_FAULT_EVENT:
		return cli_fail(cmd,
		                "the audit trail was altered at event %lld (an event was changed, "
		                "inserted, deleted or moved)",
		                seq);
	case AUDIT_FAULT_SIGNATURE:
		if (r->fault_exported)
			return cli_fail(
			        cmd,
			        "the exported checkpoint for event %lld in %s is not validly "
			        "signed: the file was altered",
			        seq, file);
		return cli_fail(cmd,
		                "the checkpoint for event %lld is not validly signed by this "
		                "practice's audit key: the checkpoints were altered",
		                seq);
	case AUDIT_FAULT_HEAD:
		return cli_fail(cmd,
		                "the audit trail was altered at event %lld or before: it does not "
		                "match the checkpoint %s for event %lld",
		                seq, r->fault_exported ? "exported" : "signed", seq);
	case AUDIT_FAULT_TRUNCATED:
		if (r->fault_exported)
			return cli_fail(
			        cmd,
			        "the audit trail ends at event %lld but an exported checkpoint "
			        "covers event %lld: the database was truncated or an older "
			        "copy was restored",
			        last, seq);
		return cli_fail(
		        cmd,
		        "the audit trail ends at event %lld but its checkpoint covers event "
		        "%lld: events were deleted from the end",
		        last, seq);
	case AUDIT_FAULT_KEY:
		return cli_fail(cmd,
		                "the exported checkpoint for event %lld was signed by a key this "
		                "practice does not hold: the file is another practice's, or the "
		                "audit key was replaced",
		                seq);
	case AUDIT_FAULT_NONE: break;
	}
	return cli_fail(cmd, "the audit trail could not be verified");
}

/* check_file - check every checkpoint in path against the database (after
 * audit_verify_trail passed). Prints its own error; ERR_CRYPTO on a fault. */
static enum err check_file(const char *cmd, struct store *s, const char *path,
                           struct audit_verify_result *r)
{
	struct audit_checkpoint c;
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	FILE *f;
	enum err e = ERR_OK;

	f = fopen(path, "re");
	if (f == NULL) {
		cli_fail(cmd, "cannot read %s: %s", path, strerror(errno));
		return ERR_IO;
	}
	while (e == ERR_OK && (n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (n == 0 || (n == 1 && line[0] == '\n'))
			continue;
		if (n > LINE_MAX_BYTES || parse_line(line, (size_t)n, &c) != ERR_OK) {
			cli_fail(cmd, "line %zu of %s is not an exported checkpoint", lineno, path);
			e = ERR_INVAL;
			break;
		}
		e = audit_verify_exported(s, &c, r);
		if (e == ERR_CRYPTO)
			report_fault(cmd, r, path);
		else if (e != ERR_OK)
			cli_fail(cmd, "cannot read the audit trail (%s)", err_name(e));
	}
	if (e == ERR_OK && ferror(f)) {
		cli_fail(cmd, "cannot read %s: %s", path, strerror(errno));
		e = ERR_IO;
	}
	free(line);
	fclose(f);
	return e;
}

/* verify_all - the trail, then the checkpoints of file (may be NULL).
 * Prints its own errors. */
static enum err verify_all(const char *cmd, struct store *s, const struct vault *v,
                           const char *file, struct audit_verify_result *r)
{
	enum err e = audit_verify_trail(s, v, r);

	if (e == ERR_CRYPTO) {
		report_fault(cmd, r, file);
		return e;
	}
	if (e != ERR_OK) {
		cli_fail(cmd, "cannot read the audit trail (%s)", err_name(e));
		return e;
	}
	if (file != NULL)
		e = check_file(cmd, s, file, r);
	return e;
}

int cli_audit_verify(int argc, char **argv)
{
	struct cli_opt o[] = {{"data", 1, 0}, {"keyfile", 1, 0}, {"checkpoints", 1, 0}, {0, 0, 0}};
	struct audit_verify_result r;
	struct store *s = NULL;
	struct vault *v = NULL;
	const char *file;
	enum err e;
	int rc;

	rc = cli_start(argc, argv, o, verify_usage);
	if (rc >= 0)
		return rc;
	file = cli_get(o, "checkpoints");
	if (cli_practice_open_readonly("audit verify", cli_get(o, "data"), cli_get(o, "keyfile"),
	                               &s, &v) != ERR_OK)
		return 1;
	e = verify_all("audit verify", s, v, file, &r);
	vault_free(v);
	store_close(s);
	if (e != ERR_OK)
		return 1;
	printf("audit trail intact: %llu events, %llu checkpoints", (unsigned long long)r.events,
	       (unsigned long long)r.checkpoints);
	if (file != NULL)
		printf(", %llu exported checkpoints match", (unsigned long long)r.exported);
	printf("\n");
	return 0;
}

int cli_audit_checkpoint(int argc, char **argv)
{
	struct cli_opt o[] = {{"data", 1, 0}, {"keyfile", 1, 0}, {0, 0, 0}};
	struct audit_entry a = {.event = AUDIT_CHECKPOINT,
	                        .actor = "system",
	                        .actor_role = "system",
	                        .outcome = ERR_OK,
	                        .purpose = "operations",
	                        .at = domain_now()};
	struct audit_checkpoint c;
	struct store *s = NULL;
	struct vault *v = NULL;
	char when[AUDIT_TIME_LEN];
	enum err e;
	int rc;

	rc = cli_start(argc, argv, o, checkpoint_usage);
	if (rc >= 0)
		return rc;
	if (cli_practice_open("audit checkpoint", cli_get(o, "data"), cli_get(o, "keyfile"), &s,
	                      &v) != ERR_OK)
		return 1;
	e = store_begin(s);
	if (e == ERR_OK)
		e = audit_checkpoint_force(s, v, &a, &c);
	if (e == ERR_OK)
		e = store_commit(s);
	else
		store_rollback(s);
	vault_free(v);
	store_close(s);
	if (e != ERR_OK)
		return cli_fail("audit checkpoint",
		                "cannot sign a checkpoint (%s); nothing was changed", err_name(e));
	domain_time_format(c.at, when);
	printf("checkpoint signed at event %lld (%s)\n", (long long)c.seq, when);
	return 0;
}

struct export_state {
	struct buf out; /* the file's content */
	uint64_t n;     /* checkpoints written */
};

static enum err export_one(void *arg, const struct audit_checkpoint *c)
{
	struct export_state *x = arg;

	x->n++;
	return checkpoint_line(&x->out, c);
}

/* write_replace - content to path through a temporary file and rename, so
 * a reader never sees half a file. */
static enum err write_replace(const char *path, const struct buf *content)
{
	char tmp[PATH_MAX];
	int fd, n;
	enum err e;

	n = snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof tmp)
		return ERR_TOOBIG;
	fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		return ERR_IO;
	e = file_write_all(fd, content->data ? content->data : "", content->len);
	if (e == ERR_OK && fsync(fd) != 0)
		e = ERR_IO;
	if (close(fd) != 0 && e == ERR_OK)
		e = ERR_IO;
	if (e == ERR_OK && rename(tmp, path) != 0)
		e = ERR_IO;
	if (e == ERR_OK)
		e = file_fsync_parent(path);
	else
		unlink(tmp);
	return e;
}

int cli_audit_export(int argc, char **argv)
{
	struct cli_opt o[] = {{"data", 1, 0}, {"out", 1, 0}, {"keyfile", 1, 0}, {0, 0, 0}};
	struct export_state x;
	struct audit_verify_result r;
	struct store *s = NULL;
	struct vault *v = NULL;
	const char *out;
	enum err e;
	int rc;

	rc = cli_start(argc, argv, o, export_usage);
	if (rc >= 0)
		return rc;
	out = cli_get(o, "out");
	if (out == NULL)
		return cli_fail("audit export-checkpoints", "--out FILE is required (see --help)");
	memset(&x, 0, sizeof x);
	buf_init(&x.out, 1024u * 1024 * 1024, 0);
	if (cli_practice_open_readonly("audit export-checkpoints", cli_get(o, "data"),
	                               cli_get(o, "keyfile"), &s, &v) != ERR_OK)
		return 1;
	rc = 1;
	/* Export only what verifies, and never overwrite evidence the
	 * database no longer matches. */
	e = verify_all("audit export-checkpoints", s, v, access(out, F_OK) == 0 ? out : NULL, &r);
	if (e != ERR_OK)
		goto out;
	e = store_audit_checkpoint_each(s, export_one, &x);
	if (e == ERR_OK)
		e = write_replace(out, &x.out);
	if (e != ERR_OK) {
		cli_fail("audit export-checkpoints", "cannot write %s (%s)", out, err_name(e));
		goto out;
	}
	printf("%llu checkpoints written to %s\n", (unsigned long long)x.n, out);
	rc = 0;
out:
	buf_cleanup(&x.out);
	vault_free(v);
	store_close(s);
	return rc;
}
