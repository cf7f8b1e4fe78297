/*
 * export.c - `confidant export`: a client's designated record set (the
 * right of access) written to a file, FHIR R4 JSON or readable HTML or PDF, by
 * the same domain function and renderers as GET /api/v1/clients/{id}/export,
 * acting as the practice itself ("system") and audited the same way.
 * Never: overwrites a file (the record may land somewhere it should not);
 * prints any of the record; includes psychotherapy notes (the domain has
 * no path to them).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/documents.h"
#include "api/export.h"
#include "cli/cli.h"
#include "core/file.h"
#include "core/mem.h"

static const char usage[] =
        "usage: confidant export --data DIR [--keyfile FILE] --client ID --out FILE\n"
        "                        [--format fhir|html|pdf] [--request ID]\n"
        "\n"
        "Write a client's designated record set (HIPAA right of access, GDPR access\n"
        "and portability) to FILE, created 0600 and never overwritten: a FHIR R4\n"
        "Bundle (default) or a readable HTML or PDF document. Psychotherapy notes are\n"
        "never included. With --request, the export fulfils that access request. Works\n"
        "while the server runs; the export is audited (record.export).\n";

/* write_new - n bytes into a new file at path (0600, never replacing one). */
static enum err write_new(const char *path, const char *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	enum err e;

	if (fd < 0)
		return errno == EEXIST ? ERR_CONFLICT : ERR_IO;
	e = file_write_all(fd, p, n);
	if (e == ERR_OK && fsync(fd) != 0)
		e = ERR_IO;
	if (close(fd) != 0 && e == ERR_OK)
		e = ERR_IO;
	if (e != ERR_OK)
		unlink(path);
	return e;
}

int cli_export(int argc, char **argv)
{
	struct cli_opt o[] = {
	        {"data", 1, 0},   {"keyfile", 1, 0}, {"client", 1, 0}, {"out", 1, 0},
	        {"format", 1, 0}, {"request", 1, 0}, {0, 0, 0},
	};
	const char *format, *out, *client;
	struct export_record *r = NULL;
	struct domain_ctx ctx;
	struct store *s = NULL;
	struct vault *v = NULL;
	struct buf doc;
	int rc = cli_start(argc, argv, o, usage), html, pdf;
	enum err e;

	if (rc >= 0)
		return rc;
	format = cli_get(o, "format");
	out = cli_get(o, "out");
	client = cli_get(o, "client");
	html = format != NULL && strcmp(format, "html") == 0;
	pdf = format != NULL && strcmp(format, "pdf") == 0;
	if (format != NULL && !html && !pdf && strcmp(format, "fhir") != 0)
		return cli_fail("export", "--format must be fhir, html or pdf");
	if (client == NULL || out == NULL || cli_get(o, "data") == NULL)
		return cli_fail("export", "--data, --client and --out are required");
	if (access(out, F_OK) == 0)
		return cli_fail("export", "%s exists: choose a new file name", out);
	if (cli_practice_open("export", cli_get(o, "data"), cli_get(o, "keyfile"), &s, &v) !=
	    ERR_OK)
		return 1;
	api_json_init();
	domain_ctx_system(&ctx, s, v);
	buf_init(&doc, EXPORT_OUT_MAX, 1);
	r = calloc(1, sizeof *r);
	e = r ? domain_export_collect(&ctx, client, cli_get(o, "request"),
	                              pdf    ? "pdf"
	                              : html ? "html"
	                                     : "fhir",
	                              r)
	      : ERR_NOMEM;
	if (e == ERR_OK) {
		e = pdf    ? api_export_pdf(r, &doc)
		    : html ? api_export_html(r, &doc)
		           : api_export_fhir(r, &doc);
		if (e == ERR_OK)
			e = write_new(out, doc.data ? doc.data : "", doc.len);
		if (e == ERR_OK)
			printf("Wrote %s: %zu notes, %zu diagnoses, %zu plans, %zu consents, %zu "
			       "files "
			       "(export %s).\n",
			       out, r->nnotes, r->ndx, r->nplans, r->nconsents, r->nfiles,
			       r->export_id);
		else if (e == ERR_CONFLICT)
			ctx.message = "the output file exists: choose a new file name";
		export_record_cleanup(r);
	}
	free(r);
	buf_cleanup(&doc);
	rc = 0;
	if (e != ERR_OK)
		rc = cli_fail("export", "%s",
		              ctx.message         ? ctx.message
		              : e == ERR_NOTFOUND ? "no such client"
		                                  : err_name(e));
	vault_free(v);
	store_close(s);
	return rc;
}
