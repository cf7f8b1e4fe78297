/*
 * pdf.c - the PDF document model and its renderer over cairo's PDF
 * surface and pangocairo (see pdf.h). Letter pages, one column, DejaVu
 * Sans (or what fontconfig substitutes), a footer and page number on every
 * page, headings in the outline.
 * Never: touches the store, access rules or the audit trail; writes a
 * file (cairo writes through our stream function into memory); puts PHI in
 * metadata (the caller's meta is generic) or in a log.
 */
#include "pdf/pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/mem.h"

/* Page geometry in points (1/72 in): US Letter, 0.75 in margins. */
#define PAGE_W 612.0
#define PAGE_H 792.0
#define MARGIN 54.0
#define BODY_W (PAGE_W - 2 * MARGIN)
#define BOTTOM (PAGE_H - MARGIN - 18.0) /* where text stops: room for the footer */
#define FOOTER_Y (PAGE_H - MARGIN + 8.0)
#define KEY_W 150.0 /* the key column of a row */
#define GAP 12.0    /* between a key and its value */

#define FONT "DejaVu Sans"

enum kind { K_TITLE, K_LINE, K_HEADING, K_SUBHEADING, K_PARAGRAPH, K_ROW, K_BREAK };

/* One block of the document. */
struct block {
	enum kind kind; /* what it is */
	char *text;     /* its text (heap, wiped), or NULL for a break */
	char *key;      /* a row's key (heap, wiped), else NULL */
};

struct pdf_doc {
	char *title;          /* metadata title (heap) */
	char *footer;         /* footer text (heap, wiped) */
	int64_t created_at;   /* metadata creation date, or 0 */
	struct block *blocks; /* the blocks (heap) */
	size_t n;             /* blocks used */
	size_t cap;           /* blocks allocated */
	size_t text_bytes;    /* bytes of text held, against PDF_TEXT_MAX */
	enum err e;           /* the sticky error */
};

/* One font map for the process: pango's font maps are not thread-safe,
 * so every render holds the lock. It lives as long as the process. */
static pthread_mutex_t font_lock = PTHREAD_MUTEX_INITIALIZER;
static PangoFontMap *font_map;

#ifdef __SANITIZE_ADDRESS__
/* fontconfig, reached through pango, keeps a fixed set of patterns (about
 * 64 KB, the same after 1 or 300 renders) where LeakSanitizer cannot see
 * them; its report would fail every sanitised run that renders a PDF. Only
 * allocations made inside fontconfig are suppressed: a layout or document
 * we forget to free is still reported. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}
#endif

/* ---- the model ------------------------------------------------------ */

/* dup_text - a heap copy of s counted against the document's limit. */
static char *dup_text(struct pdf_doc *d, const char *s)
{
	size_t len = strlen(s), total;
	char *c;

	if (!g_utf8_validate(s, -1, NULL)) {
		d->e = ERR_INVAL;
		return NULL;
	}
	if (!mem_add_ok(d->text_bytes, len, &total) || total > PDF_TEXT_MAX) {
		d->e = ERR_TOOBIG;
		return NULL;
	}
	c = mem_strdup(s);
	if (c == NULL) {
		d->e = ERR_NOMEM;
		return NULL;
	}
	d->text_bytes = total;
	return c;
}

enum err pdf_doc_new(const struct pdf_meta *meta, struct pdf_doc **out)
{
	struct pdf_doc *d;

	if (meta == NULL || meta->title == NULL || meta->footer == NULL)
		return ERR_INVAL;
	d = calloc(1, sizeof *d);
	if (d == NULL)
		return ERR_NOMEM;
	d->created_at = meta->created_at;
	d->title = dup_text(d, meta->title);
	if (d->e == ERR_OK)
		d->footer = dup_text(d, meta->footer);
	if (d->e != ERR_OK) {
		enum err e = d->e;

		pdf_doc_free(d);
		return e;
	}
	*out = d;
	return ERR_OK;
}

void pdf_doc_free(struct pdf_doc *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++) {
		mem_free_wiped_str(d->blocks[i].text);
		mem_free_wiped_str(d->blocks[i].key);
	}
	free(d->blocks);
	mem_free_wiped_str(d->title);
	mem_free_wiped_str(d->footer);
	free(d);
}

enum err pdf_doc_error(const struct pdf_doc *d)
{
	return d->e;
}

/* add - append a block of kind k (text and key copied; either may be NULL). */
static void add(struct pdf_doc *d, enum kind k, const char *key, const char *text)
{
	struct block b = {k, NULL, NULL};

	if (d->e != ERR_OK)
		return;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		struct block *nb;

		if (d->n >= PDF_BLOCKS_MAX) {
			d->e = ERR_TOOBIG;
			return;
		}
		nb = mem_calloc_array(cap, sizeof *nb);
		if (nb == NULL) {
			d->e = ERR_NOMEM;
			return;
		}
		if (d->n)
			memcpy(nb, d->blocks, d->n * sizeof *nb);
		free(d->blocks);
		d->blocks = nb;
		d->cap = cap;
	}
	if (text != NULL)
		b.text = dup_text(d, text);
	if (key != NULL && d->e == ERR_OK)
		b.key = dup_text(d, key);
	if (d->e != ERR_OK) {
		mem_free_wiped_str(b.text);
		mem_free_wiped_str(b.key);
		return;
	}
	d->blocks[d->n++] = b;
}

static int empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

void pdf_title(struct pdf_doc *d, const char *text)
{
	if (!empty(text))
		add(d, K_TITLE, NULL, text);
}

void pdf_line(struct pdf_doc *d, const char *text)
{
	if (!empty(text))
		add(d, K_LINE, NULL, text);
}

void pdf_heading(struct pdf_doc *d, const char *text)
{
	if (!empty(text))
		add(d, K_HEADING, NULL, text);
}

void pdf_subheading(struct pdf_doc *d, const char *text)
{
	if (!empty(text))
		add(d, K_SUBHEADING, NULL, text);
}

void pdf_paragraph(struct pdf_doc *d, const char *text)
{
	if (!empty(text))
		add(d, K_PARAGRAPH, NULL, text);
}

void pdf_row(struct pdf_doc *d, const char *key, const char *value)
{
	if (!empty(value))
		add(d, K_ROW, key ? key : "", value);
}

void pdf_page_break(struct pdf_doc *d)
{
	add(d, K_BREAK, NULL, NULL);
}

/* addv - a block of kind k whose text is formatted from fmt and ap. */
static void addv(struct pdf_doc *d, enum kind k, const char *key, const char *fmt, va_list ap)
{
	struct buf b;
	enum err e;

	if (d->e != ERR_OK)
		return;
	buf_init(&b, PDF_TEXT_MAX, 1);
	e = buf_vprintf(&b, fmt, ap);
	if (e != ERR_OK)
		d->e = e;
	else if (b.len > 0 && (k != K_ROW || key != NULL))
		add(d, k, key, b.data);
	buf_cleanup(&b);
}

#define FORMATTED(name, kind)                                                                      \
	void name(struct pdf_doc *d, const char *fmt, ...)                                         \
	{                                                                                          \
		va_list ap;                                                                        \
                                                                                                   \
		va_start(ap, fmt);                                                                 \
		addv(d, kind, NULL, fmt, ap);                                                      \
		va_end(ap);                                                                        \
	}
FORMATTED(pdf_titlef, K_TITLE)
FORMATTED(pdf_linef, K_LINE)
FORMATTED(pdf_subheadingf, K_SUBHEADING)
FORMATTED(pdf_paragraphf, K_PARAGRAPH)

void pdf_rowf(struct pdf_doc *d, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	addv(d, K_ROW, key ? key : "", fmt, ap);
	va_end(ap);
}

/* ---- rendering ------------------------------------------------------ */

/* Where the PDF bytes go: the caller's buffer, or nowhere (counting pass). */
struct sink {
	struct buf *out; /* NULL: discard */
	enum err e;      /* the first append that failed */
};

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int length)
{
	struct sink *s = closure;
	enum err e;

	if (s->out == NULL)
		return CAIRO_STATUS_SUCCESS;
	e = buf_append(s->out, data, length);
	if (e != ERR_OK) {
		s->e = e;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

/* The state of one layout pass. */
struct pen {
	const struct pdf_doc *d; /* the document */
	cairo_surface_t *sf;     /* the PDF surface */
	cairo_t *cr;             /* drawing on it */
	PangoContext *pc;        /* text layout at 72 dpi, no hinting */
	double y;                /* the next line's top */
	unsigned page;           /* the current page, from 1 (0: none yet) */
	unsigned total;          /* pages in all, or 0 while counting */
	int draw;                /* non-zero: outline entries too (the real pass) */
	int parent;              /* the outline entry of the current heading */
};

/* layout - a layout of text in font `font` wrapped at width w. */
static PangoLayout *layout(struct pen *p, const char *font, double w, const char *text)
{
	PangoLayout *l = pango_layout_new(p->pc);
	PangoFontDescription *fd = pango_font_description_from_string(font);

	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(l, text, -1);
	return l;
}

static double height_of(PangoLayout *l)
{
	int w, h;

	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

/* footer - the footer and "Page N of M" at the foot of the current page. */
static void footer(struct pen *p)
{
	char num[48];
	PangoLayout *l;

	if (p->total)
		snprintf(num, sizeof num, "Page %u of %u", p->page, p->total);
	else
		snprintf(num, sizeof num, "Page %u", p->page);
	cairo_set_source_rgb(p->cr, 0.33, 0.33, 0.33);
	cairo_move_to(p->cr, MARGIN, FOOTER_Y - 6.0);
	cairo_line_to(p->cr, PAGE_W - MARGIN, FOOTER_Y - 6.0);
	cairo_set_line_width(p->cr, 0.5);
	cairo_stroke(p->cr);
	l = layout(p, FONT " 7.5", BODY_W - 90.0, p->d->footer);
	cairo_move_to(p->cr, MARGIN, FOOTER_Y);
	pango_cairo_show_layout(p->cr, l);
	g_object_unref(l);
	l = layout(p, FONT " 7.5", 90.0, num);
	pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
	cairo_move_to(p->cr, PAGE_W - MARGIN - 90.0, FOOTER_Y);
	pango_cairo_show_layout(p->cr, l);
	g_object_unref(l);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
}

/* new_page - finish the current page (if any) and start the next. */
static void new_page(struct pen *p)
{
	if (p->page > 0) {
		footer(p);
		cairo_show_page(p->cr);
	}
	p->page++;
	p->y = MARGIN;
}

/* room - start a new page unless h points fit below y (a block shorter
 * than a page is kept whole; at the top of a page nothing moves). */
static void room(struct pen *p, double h)
{
	if (p->y > MARGIN && p->y + h > BOTTOM)
		new_page(p);
}

/* flow - draw l's lines from y at x, line by line, onto new pages as the
 * text runs past the bottom. */
static void flow(struct pen *p, PangoLayout *l, double x)
{
	PangoLayoutIter *it = pango_layout_get_iter(l);

	do {
		PangoRectangle r;
		double h, base;

		pango_layout_iter_get_line_extents(it, NULL, &r);
		h = (double)r.height / PANGO_SCALE;
		base = (double)(pango_layout_iter_get_baseline(it) - r.y) / PANGO_SCALE;
		room(p, h);
		cairo_move_to(p->cr, x + (double)r.x / PANGO_SCALE, p->y + base);
		pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
		p->y += h;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
}

/* outline - a heading as an entry of the PDF's outline (bookmarks). */
static void outline(struct pen *p, const char *text, int level)
{
	char dest[64];

	if (!p->draw)
		return;
	snprintf(dest, sizeof dest, "page=%u pos=[%.0f %.0f]", p->page, MARGIN, p->y);
	if (level == 0)
		p->parent =
		        cairo_pdf_surface_add_outline(p->sf, CAIRO_PDF_OUTLINE_ROOT, text, dest, 0);
	else
		cairo_pdf_surface_add_outline(p->sf, p->parent, text, dest, 0);
}

/* row - a key/value row: the key bold at the left, the value wrapped and
 * flowing on; the row starts on a new page if its first lines do not fit. */
static void row(struct pen *p, const struct block *b)
{
	PangoLayout *k = layout(p, FONT " Bold 9.5", KEY_W, b->key);
	PangoLayout *v = layout(p, FONT " 9.5", BODY_W - KEY_W - GAP, b->text);
	double hk = height_of(k), hv = height_of(v), top;
	unsigned page;

	room(p, hk > hv ? hk : hv < 60.0 ? hv : 60.0);
	top = p->y;
	page = p->page;
	cairo_set_source_rgb(p->cr, 0.2, 0.2, 0.2);
	cairo_move_to(p->cr, MARGIN, top);
	pango_cairo_show_layout(p->cr, k);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	flow(p, v, MARGIN + KEY_W + GAP);
	if (p->page == page && top + hk > p->y)
		p->y = top + hk;
	p->y += 3.0;
	g_object_unref(k);
	g_object_unref(v);
}

/* block - lay out (and draw) one block. */
static void block(struct pen *p, const struct block *b)
{
	PangoLayout *l;

	switch (b->kind) {
	case K_BREAK:
		if (p->y > MARGIN)
			new_page(p);
		return;
	case K_ROW: row(p, b); return;
	case K_TITLE:
		l = layout(p, FONT " Bold 17", BODY_W, b->text);
		room(p, height_of(l));
		flow(p, l, MARGIN);
		p->y += 4.0;
		break;
	case K_LINE:
		l = layout(p, FONT " 8.5", BODY_W, b->text);
		cairo_set_source_rgb(p->cr, 0.33, 0.33, 0.33);
		flow(p, l, MARGIN);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		p->y += 1.0;
		break;
	case K_HEADING:
		l = layout(p, FONT " Bold 12.5", BODY_W, b->text);
		p->y += 12.0;
		room(p, height_of(l) + 48.0); /* keep with what follows */
		outline(p, b->text, 0);
		flow(p, l, MARGIN);
		cairo_set_line_width(p->cr, 0.6);
		cairo_move_to(p->cr, MARGIN, p->y + 2.0);
		cairo_line_to(p->cr, PAGE_W - MARGIN, p->y + 2.0);
		cairo_stroke(p->cr);
		p->y += 7.0;
		break;
	case K_SUBHEADING:
		l = layout(p, FONT " Bold 10.5", BODY_W, b->text);
		p->y += 6.0;
		room(p, height_of(l) + 36.0);
		outline(p, b->text, 1);
		flow(p, l, MARGIN);
		p->y += 2.0;
		break;
	case K_PARAGRAPH:
	default:
		l = layout(p, FONT " 9.5", BODY_W, b->text);
		flow(p, l, MARGIN);
		p->y += 5.0;
		break;
	}
	g_object_unref(l);
}

/* iso_date - t as the ISO 8601 date-time cairo's metadata takes. */
static void iso_date(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* pass - lay the whole document out once, writing to s; *pages is set. */
static enum err pass(const struct pdf_doc *d, struct sink *s, unsigned total, unsigned *pages)
{
	struct pen p = {
	        d, NULL, NULL, NULL, MARGIN, 0, total, s->out != NULL, CAIRO_PDF_OUTLINE_ROOT};
	cairo_font_options_t *fo;
	char when[32];
	enum err e = ERR_OK;
	size_t i;

	p.sf = cairo_pdf_surface_create_for_stream(sink_write, s, PAGE_W, PAGE_H);
	if (cairo_surface_status(p.sf) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(p.sf);
		return ERR_NOMEM;
	}
	cairo_pdf_surface_set_metadata(p.sf, CAIRO_PDF_METADATA_TITLE, d->title);
	cairo_pdf_surface_set_metadata(p.sf, CAIRO_PDF_METADATA_CREATOR, "Confidant");
	if (d->created_at > 0) {
		iso_date(d->created_at, when);
		cairo_pdf_surface_set_metadata(p.sf, CAIRO_PDF_METADATA_CREATE_DATE, when);
		cairo_pdf_surface_set_metadata(p.sf, CAIRO_PDF_METADATA_MOD_DATE, when);
	}
	p.cr = cairo_create(p.sf);
	p.pc = pango_font_map_create_context(font_map);
	pango_cairo_context_set_resolution(p.pc, 72.0);
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(p.pc, fo);
	cairo_font_options_destroy(fo);
	new_page(&p);
	for (i = 0; i < d->n && cairo_status(p.cr) == CAIRO_STATUS_SUCCESS; i++)
		block(&p, &d->blocks[i]);
	footer(&p);
	cairo_show_page(p.cr);
	if (cairo_status(p.cr) != CAIRO_STATUS_SUCCESS)
		e = ERR_INTERNAL;
	cairo_destroy(p.cr);
	g_object_unref(p.pc);
	cairo_surface_finish(p.sf);
	if (e == ERR_OK && cairo_surface_status(p.sf) != CAIRO_STATUS_SUCCESS)
		e = ERR_INTERNAL;
	cairo_surface_destroy(p.sf);
	if (s->e != ERR_OK)
		e = s->e;
	*pages = p.page;
	return e;
}

enum err pdf_doc_render(struct pdf_doc *d, struct buf *out, unsigned *pages)
{
	struct sink count = {NULL, ERR_OK}, real = {out, ERR_OK};
	size_t start = out->len;
	unsigned total = 0, n = 0;
	enum err e;

	if (d->e != ERR_OK)
		return d->e;
	pthread_mutex_lock(&font_lock);
	if (font_map == NULL)
		font_map = pango_cairo_font_map_new();
	e = font_map != NULL ? pass(d, &count, 0, &total) : ERR_NOMEM;
	if (e == ERR_OK)
		e = pass(d, &real, total, &n);
	pthread_mutex_unlock(&font_lock);
	if (e == ERR_OK && n != total)
		e = ERR_INTERNAL; /* both passes lay out the same blocks the same way */
	if (e != ERR_OK) {
		/* leave out as it was: wipe and drop what this render appended */
		if (out->data != NULL && out->len > start) {
			mem_wipe(out->data + start, out->len - start);
			out->len = start;
			out->data[start] = '\0';
		}
		return e;
	}
	*pages = n;
	return ERR_OK;
}
