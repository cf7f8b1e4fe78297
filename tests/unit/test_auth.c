/* test_auth.c - the identity building blocks: TOTP against RFC 6238 and
 * oathtool, the otpauth URI, the QR SVG, the password policy, rehash
 * decisions, throttling, the hash-slot cap, tokens and recovery codes. */
#include "unit.h"

#include <oath.h>
#include <pthread.h>
#include <qrencode.h>
#include <sodium.h>
#include <time.h>

#include "auth/auth.h"
#include "auth/password.h"

/* RFC 6238 appendix B: the SHA-1 seed is the ASCII text "1234567890" twice. */
static const unsigned char rfc_secret[AUTH_TOTP_SECRET_BYTES] = "12345678901234567890";

/* ---- TOTP ---------------------------------------------------------------- */

static void totp_rfc6238_vectors(void **state)
{
	static const struct {
		int64_t t;        /* Unix time */
		const char *code; /* last 6 of the RFC's 8 digits */
	} v[] = {
	        {59, "287082"},         {1111111109, "081804"}, {1111111111, "050471"},
	        {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"},
	};
	char code[AUTH_TOTP_DIGITS + 1];
	char eight[9];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		assert_int_equal(auth_totp_code(rfc_secret, v[i].t, code), ERR_OK);
		assert_string_equal(code, v[i].code);
	}
	/* The 8-digit vector itself, straight from liboath, for reference. */
	assert_int_equal(oath_totp_generate((const char *)rfc_secret, 20, 59, 30, 0, 8, eight),
	                 OATH_OK);
	assert_string_equal(eight, "94287082");
	assert_int_equal(auth_totp_code(rfc_secret, -1, code), ERR_INVAL);
}

static void totp_window(void **state)
{
	const int64_t now = 1700000013; /* 13 s into a step */
	const int64_t cur = now / AUTH_TOTP_PERIOD;
	char code[AUTH_TOTP_DIGITS + 1];
	int64_t step = -7;
	int d;

	(void)state;
	for (d = -2; d <= 2; d++) {
		assert_int_equal(auth_totp_code(rfc_secret, now + d * AUTH_TOTP_PERIOD, code),
		                 ERR_OK);
		step = -7;
		if (d >= -1 && d <= 1) {
			assert_int_equal(auth_totp_check(rfc_secret, code, now, 0, &step), ERR_OK);
			assert_int_equal(step, cur + d);
		} else {
			assert_int_equal(auth_totp_check(rfc_secret, code, now, 0, &step),
			                 ERR_AUTH);
			assert_int_equal(step, -7); /* untouched on failure */
		}
	}
	/* The last second of a step and the first of the next. */
	assert_int_equal(auth_totp_code(rfc_secret, cur * 30 + 29, code), ERR_OK);
	assert_int_equal(auth_totp_check(rfc_secret, code, cur * 30 + 30 + 29, 0, &step), ERR_OK);
	assert_int_equal(auth_totp_check(rfc_secret, code, cur * 30 + 60, 0, &step), ERR_AUTH);
}

static void totp_replay_refused(void **state)
{
	const int64_t now = 1700000000;
	const int64_t cur = now / AUTH_TOTP_PERIOD;
	char code[AUTH_TOTP_DIGITS + 1];
	int64_t step = 0, again = 0;

	(void)state;
	assert_int_equal(auth_totp_code(rfc_secret, now, code), ERR_OK);
	assert_int_equal(auth_totp_check(rfc_secret, code, now, cur - 5, &step), ERR_OK);
	assert_int_equal(step, cur);
	/* The same code again, a few seconds later: a replay. */
	assert_int_equal(auth_totp_check(rfc_secret, code, now + 5, step, &again), ERR_AUTH);
	/* A code from the step before the one last used. */
	assert_int_equal(auth_totp_code(rfc_secret, now - 30, code), ERR_OK);
	assert_int_equal(auth_totp_check(rfc_secret, code, now, cur, &again), ERR_AUTH);
	/* The next step's code is still good. */
	assert_int_equal(auth_totp_code(rfc_secret, now + 30, code), ERR_OK);
	assert_int_equal(auth_totp_check(rfc_secret, code, now, cur, &again), ERR_OK);
	assert_int_equal(again, cur + 1);
}

static void totp_malformed_codes(void **state)
{
	static const char *bad[] = {"",       "12345",   "1234567", "12345a",
	                            " 12345", "123 456", "-12345",  "２８７０８２"};
	int64_t step;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(auth_totp_check(rfc_secret, bad[i], 59, -1, &step), ERR_AUTH);
	assert_int_equal(auth_totp_check(rfc_secret, NULL, 59, -1, &step), ERR_AUTH);
	assert_int_equal(auth_totp_check(rfc_secret, "287082", 59, -1, &step), ERR_OK);
	assert_int_equal(step, 1);
	assert_int_equal(auth_totp_check(rfc_secret, "287082", -1, -1, &step), ERR_INVAL);
}

static void totp_matches_oathtool(void **state)
{
	unsigned char secret[AUTH_TOTP_SECRET_BYTES];
	char *b32 = NULL;
	size_t b32len = 0;
	int i;

	(void)state;
	if (system("command -v oathtool >/dev/null 2>&1") != 0)
		skip();
	auth_totp_secret_new(secret);
	assert_int_equal(oath_base32_encode((const char *)secret, sizeof secret, &b32, &b32len),
	                 OATH_OK);
	for (i = 0; i < 8; i++) {
		int64_t t = (int64_t)randombytes_uniform(2000000000u) + (i == 0 ? 0 : 1000);
		char cmd[256], line[32] = "", mine[AUTH_TOTP_DIGITS + 1];
		FILE *p;

		snprintf(cmd, sizeof cmd, "oathtool --totp -d 6 -b %s -N @%lld", b32, (long long)t);
		p = popen(cmd, "r");
		assert_non_null(p);
		assert_non_null(fgets(line, sizeof line, p));
		assert_int_equal(pclose(p), 0);
		line[strcspn(line, "\n")] = '\0';
		assert_int_equal(auth_totp_code(secret, t, mine), ERR_OK);
		assert_string_equal(mine, line);
	}
	free(b32);
}

static void totp_uri_format(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 1024, 1);
	assert_int_equal(auth_totp_uri(rfc_secret, "Jane's Practice", "jane@example.org", &b),
	                 ERR_OK);
	assert_string_equal(b.data,
	                    "otpauth://totp/Jane%27s%20Practice:jane%40example.org"
	                    "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	                    "&issuer=Jane%27s%20Practice&algorithm=SHA1&digits=6&period=30");
	buf_cleanup(&b);

	/* Too small a buffer: refused, and left as it was. */
	buf_init(&b, 40, 1);
	assert_int_equal(buf_puts(&b, "keep"), ERR_OK);
	assert_int_equal(auth_totp_uri(rfc_secret, "Confidant", "a@b.c", &b), ERR_TOOBIG);
	assert_string_equal(b.data, "keep");
	assert_int_equal(auth_totp_uri(rfc_secret, "", "a@b.c", &b), ERR_INVAL);
	assert_int_equal(auth_totp_uri(rfc_secret, "Confidant", NULL, &b), ERR_INVAL);
	buf_cleanup(&b);
}

/* ---- QR ------------------------------------------------------------------- */

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (hay = strstr(hay, needle); hay != NULL; hay = strstr(hay + 1, needle))
		n++;
	return n;
}

/* parses_as_xml - 1 if python3's XML parser accepts s, 0 if not, -1 if no
 * python3 is available to ask. */
static int parses_as_xml(const char *s)
{
	char path[] = "/tmp/confidant-qr-XXXXXX";
	char cmd[512];
	int fd, rc;

	if (system("command -v python3 >/dev/null 2>&1") != 0)
		return -1;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	close(fd);
	snprintf(cmd, sizeof cmd,
	         "python3 -c 'import sys, xml.dom.minidom as m; "
	         "d = m.parse(sys.argv[1]); sys.exit(d.documentElement.tagName != \"svg\")' %s",
	         path);
	rc = system(cmd);
	unlink(path);
	return rc == 0;
}

static void qr_svg_shape(void **state)
{
	struct buf b;
	size_t n;

	(void)state;
	buf_init(&b, 1 << 20, 1);
	assert_int_equal(auth_qr_svg("hello", &b), ERR_OK);
	n = b.len;
	assert_true(n > 100);
	assert_memory_equal(b.data, "<svg", 4);
	assert_string_equal(b.data + n - 6, "</svg>");
	assert_non_null(strstr(b.data, "viewBox=\"0 0 29 29\"")); /* version 1: 21 + 2*4 */
	assert_non_null(strstr(b.data, "shape-rendering=\"crispEdges\""));
	assert_non_null(strstr(b.data, "fill=\"#fff\""));
	assert_int_equal(count(b.data, "<path"), 1);
	assert_int_equal(count(b.data, "<svg"), 1);
	assert_null(strstr(b.data, "script"));
	assert_null(strstr(b.data, "href"));
	/* The top-left finder pattern starts inside the quiet zone's edge. */
	assert_non_null(strstr(b.data, "d=\"M4 4h7v1h-7z"));
	assert_int_not_equal(parses_as_xml(b.data), 0);
	buf_cleanup(&b);
}

/* The path, drawn back onto a grid, is exactly libqrencode's dark modules
 * moved in by the quiet zone: runs were merged without losing a module. */
static void qr_svg_matches_modules(void **state)
{
	static const char text[] = "otpauth://totp/Confidant:jane%40example.org?secret="
	                           "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Confidant";
	static unsigned char grid[200][200];
	struct buf b;
	QRcode *qr;
	const char *p;
	char *end;
	int size, x, y, dark = 0;

	(void)state;
	memset(grid, 0, sizeof grid);
	buf_init(&b, 1 << 20, 1);
	assert_int_equal(auth_qr_svg(text, &b), ERR_OK);
	qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	assert_non_null(qr);
	size = qr->width + 8;
	assert_true(size < 200);
	p = strstr(b.data, " d=\"");
	assert_non_null(p);
	for (p += 4; *p == 'M';) {
		long mx = strtol(p + 1, &end, 10), my, n, back;

		assert_int_equal(*end, ' ');
		my = strtol(end + 1, &end, 10);
		assert_int_equal(*end, 'h');
		n = strtol(end + 1, &end, 10);
		assert_memory_equal(end, "v1h-", 4);
		back = strtol(end + 4, &end, 10);
		assert_int_equal(*end, 'z');
		assert_int_equal(n, back);
		assert_true(n >= 1 && mx >= 4 && my >= 4 && mx + n <= size - 4 && my < size - 4);
		for (x = (int)mx; x < mx + n; x++) {
			assert_int_equal(grid[my][x], 0); /* no module drawn twice */
			grid[my][x] = 1;
		}
		/* Runs are maximal: the module after a run is light. */
		assert_true(mx + n == size - 4 ||
		            !(qr->data[(my - 4) * qr->width + mx + n - 4] & 1));
		p = end + 1;
	}
	assert_memory_equal(p, "\"/></svg>", 9);
	for (y = 0; y < size; y++)
		for (x = 0; x < size; x++) {
			int inside = x >= 4 && y >= 4 && x < size - 4 && y < size - 4;
			int want = inside && (qr->data[(y - 4) * qr->width + (x - 4)] & 1);

			assert_int_equal(grid[y][x], want);
			dark += want;
		}
	assert_true(dark > 100);
	QRcode_free(qr);
	buf_cleanup(&b);
}

static void qr_svg_of_uri_and_limits(void **state)
{
	struct buf uri, b;
	char big[4000];

	(void)state;
	buf_init(&uri, 1024, 1);
	buf_init(&b, 1 << 20, 1);
	assert_int_equal(auth_totp_uri(rfc_secret, "Confidant", "jane@example.org", &uri), ERR_OK);
	assert_int_equal(auth_qr_svg(uri.data, &b), ERR_OK);
	assert_string_equal(b.data + b.len - 6, "</svg>");
	assert_int_not_equal(parses_as_xml(b.data), 0);
	buf_cleanup(&b);

	/* Larger than any QR code at level M. */
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	buf_init(&b, 1 << 20, 1);
	assert_int_equal(auth_qr_svg(big, &b), ERR_TOOBIG);
	assert_int_equal(auth_qr_svg("", &b), ERR_INVAL);
	buf_cleanup(&b);

	/* The caller's maximum bounds the output; out is left as it was. */
	buf_init(&b, 200, 1);
	assert_int_equal(auth_qr_svg(uri.data, &b), ERR_TOOBIG);
	assert_int_equal(b.len, 0);
	buf_cleanup(&b);
	buf_cleanup(&uri);
}

/* ---- password policy ------------------------------------------------------ */

static enum err policy(const char *pw, const char *email, const char **why)
{
	*why = NULL;
	return auth_password_policy(pw, strlen(pw), email, why);
}

static void policy_length(void **state)
{
	static const char phrase[] = "correct horse battery staple ";
	char pw[300];
	const char *why;
	size_t i;

	(void)state;
	assert_int_equal(policy("plum tree 7", NULL, &why), ERR_INVAL); /* 11 */
	assert_string_equal(why, "it must be at least 12 characters long");
	assert_int_equal(policy("plum tree 7q", NULL, &why), ERR_OK); /* 12 */
	assert_null(why);
	assert_int_equal(policy("", NULL, &why), ERR_INVAL);
	assert_int_equal(policy("correct horse battery staple", NULL, &why), ERR_OK);

	for (i = 0; i < sizeof pw - 1; i++)
		pw[i] = phrase[i % (sizeof phrase - 1)];
	assert_int_equal(auth_password_policy(pw, 64, NULL, &why), ERR_OK);
	assert_int_equal(auth_password_policy(pw, 256, NULL, &why), ERR_OK);
	assert_int_equal(auth_password_policy(pw, 257, NULL, &why), ERR_INVAL);
	assert_string_equal(why, "it must be at most 256 characters long");
	assert_int_equal(auth_password_policy(pw, 299, NULL, &why), ERR_INVAL);
	assert_int_equal(auth_password_policy(NULL, 0, NULL, &why), ERR_INVAL);
	assert_int_equal(auth_password_policy(NULL, 0, NULL, NULL), ERR_INVAL);
}

/* put_cp - UTF-8 of a code point from U+10000 up (4 bytes). */
static void put_cp(char *p, uint32_t c)
{
	p[0] = (char)(0xF0 | (c >> 18));
	p[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	p[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	p[3] = (char)(0x80 | (c & 0x3F));
}

static void policy_counts_code_points(void **state)
{
	char pw[12 * 4];
	const char *why;
	int i;

	(void)state;
	for (i = 0; i < 12; i++)
		put_cp(pw + 4 * i, 0x1F600 + 2 * (uint32_t)i); /* not a straight run */
	assert_int_equal(auth_password_policy(pw, 48, NULL, &why), ERR_OK);
	assert_int_equal(auth_password_policy(pw, 44, NULL, &why), ERR_INVAL);
	assert_string_equal(why, "it must be at least 12 characters long");
	/* 256 four-byte characters are 1024 bytes and fine. */
	{
		char longest[257 * 4];

		for (i = 0; i < 257; i++)
			put_cp(longest + 4 * i, 0x1F600 + (uint32_t)(i * 7 % 64));
		assert_int_equal(auth_password_policy(longest, 256 * 4, NULL, &why), ERR_OK);
		assert_int_equal(auth_password_policy(longest, 257 * 4, NULL, &why), ERR_INVAL);
		assert_string_equal(why, "it must be at most 256 characters long");
	}
	/* Two-byte characters: "é" twelve times is one character repeated. */
	assert_int_equal(policy("éééééééééééé", NULL, &why), ERR_INVAL);
	assert_string_equal(why, "it is one character repeated");
	assert_int_equal(policy("crème brûlée ça", NULL, &why), ERR_OK);
}

static void policy_invalid_utf8(void **state)
{
	static const char *bad[] = {
	        "\xff good long password",       "good long password\x80",
	        "overlong \xc0\xaf slash here",  "surrogate \xed\xa0\x80 inside it",
	        "truncated at the end \xe2\x82", "past the top \xf4\x90\x80\x80 yes",
	};
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(policy(bad[i], NULL, &why), ERR_INVAL);
		assert_string_equal(why, "it is not valid text");
	}
	/* An embedded NUL is refused too. */
	assert_int_equal(auth_password_policy("good long\0password", 18, NULL, &why), ERR_INVAL);
	assert_string_equal(why, "it is not valid text");
}

static void policy_blocklist(void **state)
{
	static const char *common[] = {
	        "password1234",  "Password1234!",  "PASSWORD1234",  "password12345678",
	        "football2020",  "Football2020!!", "iloveyou1234",  "IloveYou1234567",
	        "qwertyuiop12",  "123456789012",   "therapist2024", "p@ssw0rd1234",
	        "password@123",  "monkeymonkey",   "1qaz2wsx3edc",  "correcthorsebatterystaple",
	        "letmeinplease", "Administrator1",
	};
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof common / sizeof common[0]; i++) {
		assert_int_equal(policy(common[i], NULL, &why), ERR_INVAL);
		assert_non_null(why);
	}
	assert_int_equal(policy("password1234", NULL, &why), ERR_INVAL);
	assert_string_equal(
	        why, "this password is too common: it appears in lists of breached passwords");
	/* Near misses are fine: the list is exact, after case folding and stripping. */
	assert_int_equal(policy("password1235x", NULL, &why), ERR_OK);
	assert_int_equal(policy("xpassword1234", NULL, &why), ERR_OK);
}

static void policy_patterns(void **state)
{
	static const char *runs[] = {
	        "abcdefghijklmnop", "ponmlkjihgfedcba", "ABCDEFGHIJKLMNOP", "12345678901234",
	        "09876543210987",   "qwertyuiopasdf",   "QwErTyUiOpAs",     "mnbvcxzlkjhg",
	        "1234567890qwer",   "abcdefghijklm1!",  "lmnopqrstuvwxyz",
	};
	const char *why;
	size_t i;

	(void)state;
	assert_int_equal(policy("aaaaaaaaaaaa", NULL, &why), ERR_INVAL);
	assert_string_equal(why, "it is one character repeated");
	assert_int_equal(policy("aAaAaAaAaAaA", NULL, &why), ERR_INVAL);
	assert_int_equal(policy("            ", NULL, &why), ERR_INVAL);
	for (i = 0; i < sizeof runs / sizeof runs[0]; i++) {
		assert_int_equal(policy(runs[i], NULL, &why), ERR_INVAL);
		assert_non_null(why);
	}
	assert_int_equal(policy("abcdefghijklmnop", NULL, &why), ERR_INVAL);
	assert_string_equal(why, "it is a straight run of characters, like abcd, 1234 or qwerty");
	/* Not straight: a gap, a turn, or a walk that leaves the keyboard rows. */
	assert_int_equal(policy("abcdefghijkmnop", NULL, &why), ERR_OK);
	assert_int_equal(policy("abcdefgfedcba", NULL, &why), ERR_OK);
	assert_int_equal(policy("qwertyuiop zebra", NULL, &why), ERR_OK);
}

static void policy_email_name(void **state)
{
	const char *why;

	(void)state;
	assert_int_equal(policy("I am mjones and I like walks", "mjones@example.org", &why),
	                 ERR_INVAL);
	assert_string_equal(why, "it must not contain your email name");
	assert_int_equal(policy("I am MJONES and I like walks", "MJones@example.org", &why),
	                 ERR_INVAL);
	assert_int_equal(policy("I am mjones and I like walks", "alice@example.org", &why), ERR_OK);
	/* Too short a local part to matter. */
	assert_int_equal(policy("ab is my favourite pair", "ab@example.org", &why), ERR_OK);
	/* A local part longer than the password cannot be inside it. */
	assert_int_equal(policy("walk the dogs", "walkthedogsandcats@example.org", &why), ERR_OK);
	assert_int_equal(policy("walk the dogs", NULL, &why), ERR_OK);
}

/* ---- rehash --------------------------------------------------------------- */

static void rehash_decisions(void **state)
{
	char hash[AUTH_HASH_MAX];
	char weak[crypto_pwhash_STRBYTES];

	(void)state;
	assert_int_equal(auth_password_hash("a fresh long password", 21, hash), ERR_OK);
	assert_int_equal(auth_password_needs_rehash(hash), 0);
	assert_int_equal(auth_password_check(hash, "a fresh long password", 21), ERR_OK);

	/* Fewer passes. */
	assert_int_equal(crypto_pwhash_str_alg(weak, "pw", 2, 1, AUTH_PW_MEMLIMIT,
	                                       crypto_pwhash_ALG_ARGON2ID13),
	                 0);
	assert_int_equal(auth_password_needs_rehash(weak), 1);
	/* Less memory. */
	assert_int_equal(crypto_pwhash_str_alg(weak, "pw", 2, AUTH_PW_OPSLIMIT, 8u * 1024 * 1024,
	                                       crypto_pwhash_ALG_ARGON2ID13),
	                 0);
	assert_int_equal(auth_password_needs_rehash(weak), 1);

	assert_int_equal(auth_password_needs_rehash("$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA"),
	                 0);
	assert_int_equal(auth_password_needs_rehash("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"),
	                 0);
	assert_int_equal(auth_password_needs_rehash("$argon2id$v=19$m=19455,t=2,p=1$c2FsdA$aGFzaA"),
	                 1);
	assert_int_equal(auth_password_needs_rehash("$argon2i$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA"),
	                 1);
	assert_int_equal(auth_password_needs_rehash("$argon2id$v=16$m=65536,t=3,p=1$c2FsdA$aGFzaA"),
	                 1);
	assert_int_equal(auth_password_needs_rehash("$argon2id$v=19$m=99999999999,t=3,p=1$x$y"), 1);
	assert_int_equal(auth_password_needs_rehash("$argon2id$v=19$m=,t=3,p=1$x$y"), 1);
	assert_int_equal(auth_password_needs_rehash("$argon2id$v=19$m=65536,t=3,p=1"), 1);
	assert_int_equal(auth_password_needs_rehash("$argon2id$v=19$t=3,m=65536,p=1$x$y"), 1);
	assert_int_equal(auth_password_needs_rehash("$2b$12$abcdefghijklmnopqrstuv"), 1);
	assert_int_equal(auth_password_needs_rehash(""), 1);
	assert_int_equal(auth_password_needs_rehash(NULL), 1);
}

/* ---- throttle and hash cap ------------------------------------------------ */

static void throttle_schedule(void **state)
{
	static const struct {
		unsigned failures; /* consecutive failures */
		int64_t delay;     /* seconds expected */
	} v[] = {{0, 0},    {1, 0},    {2, 0},    {3, 0},      {4, 1},
	         {5, 2},    {6, 4},    {7, 8},    {12, 256},   {13, 512},
	         {14, 900}, {15, 900}, {40, 900}, {1000, 900}, {UINT32_MAX, 900}};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof v / sizeof v[0]; i++)
		assert_int_equal(auth_throttle_delay(v[i].failures), v[i].delay);
}

static int64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *give_later(void *arg)
{
	(void)arg;
	usleep(30 * 1000);
	auth_hash_slot_give();
	return NULL;
}

static void hash_cap_refuses_when_full(void **state)
{
	pthread_t t;
	int64_t t0;

	(void)state;
	auth_hash_cap_init(1);
	assert_int_equal(auth_hash_slot_take(50), ERR_OK);
	t0 = ms_now();
	assert_int_equal(auth_hash_slot_take(50), ERR_BUSY);
	assert_true(ms_now() - t0 >= 45);
	assert_int_equal(auth_hash_slot_take(0), ERR_BUSY);
	auth_hash_slot_give();
	assert_int_equal(auth_hash_slot_take(50), ERR_OK);

	/* A slot given back while someone waits is handed to the waiter. */
	assert_int_equal(pthread_create(&t, NULL, give_later, NULL), 0);
	assert_int_equal(auth_hash_slot_take(5000), ERR_OK);
	assert_int_equal(pthread_join(t, NULL), 0);
	auth_hash_slot_give();

	/* Two slots. */
	auth_hash_cap_init(2);
	assert_int_equal(auth_hash_slot_take(0), ERR_OK);
	assert_int_equal(auth_hash_slot_take(0), ERR_OK);
	assert_int_equal(auth_hash_slot_take(10), ERR_BUSY);
	auth_hash_slot_give();
	auth_hash_slot_give();
	auth_hash_cap_init(0); /* back to one per CPU */
	assert_int_equal(auth_hash_slot_take(0), ERR_OK);
	auth_hash_slot_give();
}

/* ---- tokens and recovery codes --------------------------------------------- */

static void tokens(void **state)
{
	char a[AUTH_TOKEN_CHARS + 1], b[AUTH_TOKEN_CHARS + 1];
	unsigned char ha[AUTH_HASH_BYTES], ha2[AUTH_HASH_BYTES], hb[AUTH_HASH_BYTES];
	char bad[AUTH_TOKEN_CHARS + 2];

	(void)state;
	auth_token_new(a);
	auth_token_new(b);
	assert_int_equal(strlen(a), AUTH_TOKEN_CHARS);
	assert_int_equal(strlen(b), AUTH_TOKEN_CHARS);
	assert_true(auth_token_valid(a));
	assert_true(auth_token_valid(b));
	assert_string_not_equal(a, b);
	auth_token_hash(a, strlen(a), ha);
	auth_token_hash(a, strlen(a), ha2);
	auth_token_hash(b, strlen(b), hb);
	assert_memory_equal(ha, ha2, sizeof ha);
	assert_memory_not_equal(ha, hb, sizeof ha);

	memcpy(bad, a, sizeof a);
	bad[AUTH_TOKEN_CHARS - 1] = '\0'; /* 42 characters */
	assert_false(auth_token_valid(bad));
	memcpy(bad, a, AUTH_TOKEN_CHARS);
	bad[AUTH_TOKEN_CHARS] = 'A'; /* 44 characters */
	bad[AUTH_TOKEN_CHARS + 1] = '\0';
	assert_false(auth_token_valid(bad));
	memcpy(bad, a, sizeof a);
	bad[10] = '+'; /* standard base64, not base64url */
	assert_false(auth_token_valid(bad));
	bad[10] = '=';
	assert_false(auth_token_valid(bad));
	assert_false(auth_token_valid(""));
	assert_false(auth_token_valid(NULL));
}

static void recovery_codes(void **state)
{
	char codes[AUTH_RECOVERY_COUNT][AUTH_RECOVERY_LEN + 1];
	char norm[13];
	int i, j;

	(void)state;
	auth_recovery_new(codes);
	for (i = 0; i < AUTH_RECOVERY_COUNT; i++) {
		assert_int_equal(strlen(codes[i]), AUTH_RECOVERY_LEN);
		for (j = 0; j < AUTH_RECOVERY_LEN; j++) {
			if (j == 4 || j == 9)
				assert_int_equal(codes[i][j], '-');
			else
				assert_non_null(
				        strchr("abcdefghijkmnpqrstuvwxyz2345678", codes[i][j]));
		}
		assert_int_equal(auth_recovery_normalise(codes[i], norm), ERR_OK);
		assert_int_equal(strlen(norm), 12);
		for (j = 0; j < i; j++)
			assert_string_not_equal(codes[i], codes[j]);
	}
	assert_int_equal(auth_recovery_normalise("ABCD efgh-ijkm", norm), ERR_OK);
	assert_string_equal(norm, "abcdefghijkm");
	assert_int_equal(auth_recovery_normalise(" abcd - efgh - ijkm ", norm), ERR_OK);
	assert_string_equal(norm, "abcdefghijkm");
	assert_int_equal(auth_recovery_normalise("abcdefghijkm", norm), ERR_OK);
	assert_int_equal(auth_recovery_normalise("ABCDEFGHIJKM", norm), ERR_OK);
	assert_string_equal(norm, "abcdefghijkm");

	memcpy(norm, "unchanged!!!", 13);
	assert_int_equal(auth_recovery_normalise("abcd-efgh-ijk", norm), ERR_INVAL);
	assert_int_equal(auth_recovery_normalise("abcd-efgh-ijkmn", norm), ERR_INVAL);
	assert_int_equal(auth_recovery_normalise("abcd-efgh-ijk0", norm), ERR_INVAL); /* zero */
	assert_int_equal(auth_recovery_normalise("abcd-efgh-ijkl", norm), ERR_INVAL); /* ell */
	assert_int_equal(auth_recovery_normalise("abcd_efgh_ijkm", norm), ERR_INVAL);
	assert_int_equal(auth_recovery_normalise("", norm), ERR_INVAL);
	assert_int_equal(auth_recovery_normalise(NULL, norm), ERR_INVAL);
	assert_string_equal(norm, "unchanged!!!");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(totp_rfc6238_vectors),
	        cmocka_unit_test(totp_window),
	        cmocka_unit_test(totp_replay_refused),
	        cmocka_unit_test(totp_malformed_codes),
	        cmocka_unit_test(totp_matches_oathtool),
	        cmocka_unit_test(totp_uri_format),
	        cmocka_unit_test(qr_svg_shape),
	        cmocka_unit_test(qr_svg_matches_modules),
	        cmocka_unit_test(qr_svg_of_uri_and_limits),
	        cmocka_unit_test(policy_length),
	        cmocka_unit_test(policy_counts_code_points),
	        cmocka_unit_test(policy_invalid_utf8),
	        cmocka_unit_test(policy_blocklist),
	        cmocka_unit_test(policy_patterns),
	        cmocka_unit_test(policy_email_name),
	        cmocka_unit_test(rehash_decisions),
	        cmocka_unit_test(throttle_schedule),
	        cmocka_unit_test(hash_cap_refuses_when_full),
	        cmocka_unit_test(tokens),
	        cmocka_unit_test(recovery_codes),
	};

	if (sodium_init() < 0)
		return 1;
	if (oath_init() != OATH_OK)
		return 1;
	return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
