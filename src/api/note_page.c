/*
 * note_page.c - the notes list page of a chart (GET
 * /api/v1/clients/{id}/notes) as JSON, written with the streaming writer
 * (core/jw.h) straight into the response body:
 *   {"notes": [{id, client, template, date, status, author, version,
 *               created_at, updated_at, author_name, signed_at?,
 *               content_hash?, cosigned_at?, fields?}], "next": cursor or null}
 * A row carries the same members, in the same order, as api/notes.c's
 * note_json gives for one note (bench/same_json.mjs compares the answers
 * byte for byte). Never: reads or decides anything; it only encodes the
 * rows the domain returned.
 */
#include <jansson.h>
#include <stdio.h>

#include "api/records.h"
#include "core/jw.h"
#include "domain/notes.h"

#define NOTE_ROW_BYTES 512 /* about one row's JSON: room reserved per row */

static const char *status_name(int s)
{
	return s == NOTE_DRAFT ? "draft" : s == NOTE_COSIGN ? "awaiting_cosign" : "signed";
}

/* hex_write - a 32-byte hash as 64 lower-case hex digits. */
static void hex_write(struct jw *w, const unsigned char h[32])
{
	static const char digits[] = "0123456789abcdef";
	char s[64];
	unsigned i;

	for (i = 0; i < 32; i++) {
		s[2 * i] = digits[h[i] >> 4];
		s[2 * i + 1] = digits[h[i] & 15];
	}
	jw_string_n(w, s, sizeof s);
}

/* fields_write - a note's canonical text as its "fields" object ({} if
 * the text is not JSON, as note_json shows it). */
static void fields_write(struct jw *w, const char *content)
{
	json_t *fields = json_loads(content, JSON_REJECT_DUPLICATES, NULL);

	if (fields != NULL)
		api_jw_json(w, fields);
	else
		jw_object_begin(w), jw_object_end(w);
	json_decref(fields);
}

/* note_row_write - one note of the list. */
static void note_row_write(struct jw *w, const struct note *n)
{
	jw_object_begin(w);
	jw_kstring(w, "id", n->public_id);
	jw_kstring(w, "client", n->client_public_id);
	jw_kstring(w, "template", n->template_name);
	jw_kstring(w, "date", n->date);
	jw_kstring(w, "status", status_name(n->status));
	jw_kstring(w, "author", n->author_public_id);
	jw_kint(w, "version", n->version);
	jw_ktime(w, "created_at", n->created_at);
	jw_ktime(w, "updated_at", n->updated_at);
	jw_kstring(w, "author_name", n->author_name);
	if (n->signed_at) {
		jw_ktime(w, "signed_at", n->signed_at);
		jw_key(w, "content_hash");
		hex_write(w, n->content_hash);
	}
	if (n->cosigned_at)
		jw_ktime(w, "cosigned_at", n->cosigned_at);
	if (n->content != NULL) {
		jw_key(w, "fields");
		fields_write(w, n->content);
	}
	jw_object_end(w);
}

enum err api_note_page_send(struct http_response *rs, const struct note *ns, size_t n, size_t page)
{
	struct jw w;
	size_t i;
	char next[24];

	jw_init(&w, &rs->body);
	jw_reserve(&w, 64 + n * NOTE_ROW_BYTES);
	jw_object_begin(&w);
	jw_karray_begin(&w, "notes");
	for (i = 0; i < n; i++)
		note_row_write(&w, &ns[i]);
	jw_array_end(&w);
	if (n == page && n > 0) {
		snprintf(next, sizeof next, "%lld", (long long)ns[n - 1].id);
		jw_kstring(&w, "next", next);
	} else {
		jw_knull(&w, "next");
	}
	jw_object_end(&w);
	return jw_finish(&w);
}
