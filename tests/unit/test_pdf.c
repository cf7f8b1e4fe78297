/* test_pdf.c - the PDF module renders a document of several pages into a
 * bounded memory buffer (a real PDF with the page count it reports), keeps
 * the buffer unchanged when the document does not fit, and refuses text
 * that is not UTF-8. */
#include "unit.h"

#include "pdf/pdf.h"

/* count - occurrences of needle in the n bytes at p. */
static size_t count(const char *p, size_t n, const char *needle)
{
	size_t k = strlen(needle), i, c = 0;

	for (i = 0; i + k <= n; i++)
		if (memcmp(p + i, needle, k) == 0)
			c++;
	return c;
}

/* three_pages - a title, a table and enough paragraphs for three pages. */
static struct pdf_doc *three_pages(void)
{
	const struct pdf_meta meta = {"Unit test document", "Confidential – unit test", 1767225600};
	struct pdf_doc *d = NULL;
	char text[2048];
	int i;

	assert_int_equal(pdf_doc_new(&meta, &d), ERR_OK);
	pdf_title(d, "Zoë Ångström-Øster");
	pdf_line(d, "Prepared for a unit test");
	pdf_heading(d, "About");
	pdf_row(d, "Name", "Zoë Ångström-Øster");
	pdf_row(d, "Skipped", "");
	pdf_row(d, "Address", "1 Main St\nSpringfield");
	pdf_heading(d, "Notes");
	for (i = 0; i < 2; i++) {
		pdf_page_break(d);
		pdf_subheading(d, "A page of its own");
		memset(text, 'w', sizeof text - 1);
		text[sizeof text - 1] = '\0';
		pdf_paragraph(d, text);
	}
	return d;
}

static void renders_three_pages(void **state)
{
	struct pdf_doc *d = three_pages();
	unsigned pages = 0;
	struct buf out;

	(void)state;
	buf_init(&out, 4 * 1024 * 1024, 1);
	assert_int_equal(pdf_doc_error(d), ERR_OK);
	assert_int_equal(pdf_doc_render(d, &out, &pages), ERR_OK);
	assert_int_equal(pages, 3);
	assert_true(out.len > 1000);
	assert_memory_equal(out.data, "%PDF-", 5);
	assert_int_equal(count(out.data, out.len, "/Type /Page\n") +
	                         count(out.data, out.len, "/Type /Page "),
	                 3);
	assert_true(count(out.data, out.len, "/Count 3") >= 1);
	assert_true(count(out.data, out.len, "%%EOF") >= 1);
	assert_true(count(out.data, out.len, "Confidant") >= 1); /* the creator */
	pdf_doc_free(d);
	buf_cleanup(&out);
}

static void too_small_leaves_buffer_unchanged(void **state)
{
	struct pdf_doc *d = three_pages();
	unsigned pages = 0;
	struct buf out;

	(void)state;
	buf_init(&out, 2000, 1);
	assert_int_equal(buf_puts(&out, "kept"), ERR_OK);
	assert_int_equal(pdf_doc_render(d, &out, &pages), ERR_TOOBIG);
	assert_int_equal(out.len, 4);
	assert_string_equal(out.data, "kept");
	pdf_doc_free(d);
	buf_cleanup(&out);
}

static void refuses_invalid_utf8(void **state)
{
	const struct pdf_meta meta = {"t", "f", 0};
	struct pdf_doc *d = NULL;
	unsigned pages = 0;
	struct buf out;

	(void)state;
	buf_init(&out, 1024 * 1024, 1);
	assert_int_equal(pdf_doc_new(&meta, &d), ERR_OK);
	pdf_paragraph(d, "ok");
	pdf_paragraph(d, "bad \xff byte");
	pdf_paragraph(d, "after");
	assert_int_equal(pdf_doc_error(d), ERR_INVAL);
	assert_int_equal(pdf_doc_render(d, &out, &pages), ERR_INVAL);
	assert_int_equal(out.len, 0);
	pdf_doc_free(d);
	buf_cleanup(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(renders_three_pages),
	        cmocka_unit_test(too_small_leaves_buffer_unchanged),
	        cmocka_unit_test(refuses_invalid_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
