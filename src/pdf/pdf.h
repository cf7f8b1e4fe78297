/*
 * pdf.h - readable PDF documents (cairo's PDF surface, text laid out by
 * pango): a small document model of a title, header lines, sections with
 * headings, paragraphs and key/value rows, rendered into a bounded memory
 * buffer with a footer and "Page N of M" on every page.
 *
 * Responsible for: layout, page breaks (a paragraph longer than a page
 * flows on), fonts (whatever fontconfig finds for "DejaVu Sans"; cairo
 * embeds a subset of each font, with a ToUnicode map, so the text can be
 * extracted and searched), and the document's metadata (title, creator
 * "Confidant", creation date), which carry nothing but what the caller
 * passes as generic meta (never a client's name).
 * Never: reads the store, checks access, emits audit events or decides
 * what a document may contain: it renders exactly the blocks it is given,
 * which the caller built from already-authorised, already-opened domain
 * structs. Never writes a file: the PDF goes to memory only.
 *
 * A builder with a sticky error (SQLite style): add blocks, then check
 * once at pdf_doc_render. Every string is copied (and wiped when the
 * document is freed: it is PHI); a NULL or empty paragraph or row value is
 * skipped. Rendering is serialised process-wide (one font map, which
 * pango does not share between threads).
 */
#ifndef CONFIDANT_PDF_PDF_H
#define CONFIDANT_PDF_PDF_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define PDF_BLOCKS_MAX 200000           /* blocks in one document */
#define PDF_TEXT_MAX (32 * 1024 * 1024) /* bytes of text in one document */

/* What goes into the document's metadata and onto every page. */
struct pdf_meta {
	const char *title;  /* metadata title: generic ("Release of information packet"), no PHI */
	const char *footer; /* printed at the foot of every page, left of the page number */
	int64_t created_at; /* unix seconds: the metadata's creation date (0: not set) */
};

struct pdf_doc;

/* pdf_doc_new - an empty document; the meta strings are copied. ERR_NOMEM;
 * ERR_INVAL if meta->title or meta->footer is NULL or not UTF-8. */
enum err pdf_doc_new(const struct pdf_meta *meta, struct pdf_doc **out);

/* pdf_doc_free - wipe and free d and every string it holds (NULL is fine). */
void pdf_doc_free(struct pdf_doc *d);

/* The blocks, in reading order. Each records ERR_NOMEM, ERR_TOOBIG (past
 * the limits above) or ERR_INVAL (text that is not UTF-8) in the sticky
 * error and does nothing once it is set. */
void pdf_title(struct pdf_doc *d, const char *text);      /* large, bold */
void pdf_line(struct pdf_doc *d, const char *text);       /* a small header line */
void pdf_heading(struct pdf_doc *d, const char *text);    /* a section, ruled, in the outline */
void pdf_subheading(struct pdf_doc *d, const char *text); /* an item within a section */
void pdf_paragraph(struct pdf_doc *d, const char *text);  /* wrapped; newlines kept */
/* pdf_row - one key/value row of a table (consecutive rows form one). */
void pdf_row(struct pdf_doc *d, const char *key, const char *value);
void pdf_page_break(struct pdf_doc *d); /* the next block starts a new page */

/* Formatted variants: the text is built whole (never cut inside a UTF-8
 * sequence) and added like the plain ones. */
void pdf_titlef(struct pdf_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pdf_linef(struct pdf_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pdf_subheadingf(struct pdf_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pdf_paragraphf(struct pdf_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pdf_rowf(struct pdf_doc *d, const char *key, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* pdf_doc_error - the sticky error (ERR_OK while all is well). */
enum err pdf_doc_error(const struct pdf_doc *d);

/* pdf_doc_render - append d as one PDF document to out and set *pages.
 * Lays the document out twice (the first time to count the pages for
 * "Page N of M"). ERR_TOOBIG if out's maximum is reached (out is then
 * unchanged), the sticky error if one was set, ERR_INTERNAL if cairo or
 * the fonts fail. */
enum err pdf_doc_render(struct pdf_doc *d, struct buf *out, unsigned *pages);

#endif
