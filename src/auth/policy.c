/*
 * policy.c - which passwords may be chosen (NIST SP 800-63B): length in
 * characters, valid UTF-8, the compiled-in blocklist of common passwords,
 * trivial patterns (one character repeated, straight runs) and the user's
 * own email name.
 *
 * Responsible for: auth_password_policy and nothing else.
 * Never: reads a file at run time (the blocklist is compiled in), logs or
 * keeps the password (the folded copies made here are wiped before every
 * return), or imposes composition rules ("a digit and a symbol"), which
 * 63B advises against.
 */
#include "auth/auth.h"

#include <sodium.h>
#include <string.h>

#include "blocklist.h"

/* The sentences below spell the limits out; keep them in step. */
_Static_assert(AUTH_PW_MIN == 12 && AUTH_PW_MAX == 256, "update the policy sentences");

#define WHY_TEXT "it is not valid text"
#define WHY_SHORT "it must be at least 12 characters long"
#define WHY_LONG "it must be at most 256 characters long"
#define WHY_COMMON "this password is too common: it appears in lists of breached passwords"
#define WHY_REPEAT "it is one character repeated"
#define WHY_RUN "it is a straight run of characters, like abcd, 1234 or qwerty"
#define WHY_EMAIL "it must not contain your email name"

/* Most bytes a password of AUTH_PW_MAX code points can take. */
#define PW_BYTES_MAX (AUTH_PW_MAX * 4)
/* Shortest local part of an email address worth refusing inside a password. */
#define EMAIL_NAME_MIN 4
/* Shortest blocklist entry (scripts/embed-blocklist.sh enforces it). */
#define BLOCK_MIN AUTH_PW_MIN

/* The keyboard typed left to right, row after row, and right to left. */
static const char kbd_walk[] = "1234567890qwertyuiopasdfghjklzxcvbnm";
static const char kbd_walk_back[] = "mnbvcxzlkjhgfdsapoiuytrewq0987654321";

/* utf8_next - decode one code point at s[*i] (strict: no overlong forms,
 * surrogates, values past U+10FFFF, or NUL). Non-zero on success. */
static int utf8_next(const unsigned char *s, size_t len, size_t *i, uint32_t *cp)
{
	unsigned char c = s[*i];
	uint32_t v, min;
	size_t n, k;

	if (c < 0x80) {
		*cp = c;
		*i += 1;
		return c != 0;
	}
	if ((c & 0xE0) == 0xC0) {
		n = 1, v = c & 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		n = 2, v = c & 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		n = 3, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len - *i - 1 < n)
		return 0;
	for (k = 1; k <= n; k++) {
		unsigned char d = s[*i + k];

		if ((d & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (d & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	*i += n + 1;
	return 1;
}

static int strip_char(char c)
{
	return (c >= '0' && c <= '9') || c == ' ' || (c >= '!' && c <= '/') ||
	       (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}

/* Compare n bytes at key with the NUL-terminated entry, as strcmp would. */
static int entry_cmp(const char *key, size_t n, const char *entry)
{
	size_t elen = strlen(entry);
	int c = memcmp(key, entry, n < elen ? n : elen);

	if (c != 0)
		return c;
	return n < elen ? -1 : n > elen ? 1 : 0;
}

/* listed - binary search of the sorted blocklist for the n bytes at key. */
static int listed(const char *key, size_t n)
{
	size_t lo = 0, hi = auth_blocklist_count;

	if (n < BLOCK_MIN)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = entry_cmp(key, n, auth_blocklist[mid]);

		if (c == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

/* common - the folded password is listed, as typed or with trailing digits
 * and punctuation taken off one at a time ("password1234!" -> "password1234"). */
static int common(const char *low, size_t len)
{
	size_t m = len;

	if (listed(low, m))
		return 1;
	while (m > BLOCK_MIN && strip_char(low[m - 1])) {
		m--;
		if (listed(low, m))
			return 1;
	}
	return 0;
}

static int repeated(const uint32_t *cp, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (cp[i] != cp[0])
			return 0;
	return 1;
}

/* run - every code point is the previous one plus one, or every one is the
 * previous minus one; digits also wrap (..8901..), as on the keyboard. */
static int run(const uint32_t *cp, size_t n)
{
	int up = 1, down = 1, dup = 1, ddown = 1;
	size_t i;

	for (i = 1; i < n; i++) {
		uint32_t a = cp[i - 1], b = cp[i];
		int digits = a >= '0' && a <= '9' && b >= '0' && b <= '9';

		up = up && b == a + 1;
		down = down && a == b + 1;
		dup = dup && digits && (b - '0') == (a - '0' + 1) % 10;
		ddown = ddown && digits && (a - '0') == (b - '0' + 1) % 10;
	}
	return up || down || dup || ddown;
}

/* keyboard - the folded bytes are a stretch of the keyboard walked along
 * its rows ("qwertyuiopasdf", "0987654321"). */
static int keyboard(const char *low, size_t len)
{
	return memmem(kbd_walk, sizeof kbd_walk - 1, low, len) != NULL ||
	       memmem(kbd_walk_back, sizeof kbd_walk_back - 1, low, len) != NULL;
}

static int trivial(const char *low, const uint32_t *cp, size_t len, size_t n)
{
	return repeated(cp, n) || run(cp, n) || keyboard(low, len);
}

static char fold(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* email_name - the local part of email (4+ characters) occurs in low. */
static int email_name(const char *low, size_t len, const char *email)
{
	char name[PW_BYTES_MAX];
	size_t n = 0, chars = 0;
	int found = 0;

	if (email == NULL)
		return 0;
	for (; email[n] != '\0' && email[n] != '@'; n++) {
		if (n >= len) /* longer than the password: cannot be inside it */
			goto out;
		name[n] = fold(email[n]);
		if (((unsigned char)email[n] & 0xC0) != 0x80)
			chars++;
	}
	if (chars >= EMAIL_NAME_MIN)
		found = memmem(low, len, name, n) != NULL;
out:
	sodium_memzero(name, sizeof name);
	return found;
}

enum err auth_password_policy(const char *pw, size_t len, const char *email, const char **why)
{
	char low[PW_BYTES_MAX];
	uint32_t cp[AUTH_PW_MAX];
	const char *reason = NULL;
	size_t i = 0, n = 0, base, stripped = 0;

	if (pw == NULL && len > 0) {
		reason = WHY_TEXT;
		goto out;
	}
	if (len > PW_BYTES_MAX) {
		reason = WHY_LONG;
		goto out;
	}
	for (i = 0; i < len; i++)
		low[i] = fold(pw[i]);
	/* Decode all of it first: invalid text is reported before its length. */
	for (i = 0; i < len; n++) {
		uint32_t c;

		if (!utf8_next((const unsigned char *)low, len, &i, &c)) {
			reason = WHY_TEXT;
			goto out;
		}
		if (n < AUTH_PW_MAX)
			cp[n] = c;
	}
	if (n < AUTH_PW_MIN) {
		reason = WHY_SHORT;
		goto out;
	}
	if (n > AUTH_PW_MAX) {
		reason = WHY_LONG;
		goto out;
	}
	if (trivial(low, cp, len, n)) {
		reason = repeated(cp, n) ? WHY_REPEAT : WHY_RUN;
		goto out;
	}
	/* The same patterns with a tail of digits or symbols ("abcdefghijkl1!"),
	 * when what is left is still long enough to stand alone. */
	while (stripped < len && strip_char(low[len - 1 - stripped]))
		stripped++;
	base = len - stripped;
	if (stripped > 0 && n - stripped >= AUTH_PW_MIN && trivial(low, cp, base, n - stripped)) {
		reason = repeated(cp, n - stripped) ? WHY_REPEAT : WHY_RUN;
		goto out;
	}
	if (common(low, len)) {
		reason = WHY_COMMON;
		goto out;
	}
	if (email_name(low, len, email))
		reason = WHY_EMAIL;
out:
	sodium_memzero(low, sizeof low);
	sodium_memzero(cp, sizeof cp);
	if (reason == NULL)
		return ERR_OK;
	if (why != NULL)
		*why = reason;
	return ERR_INVAL;
}
