/*
 * routes.c - `confidant routes`: print the routes table (method, path,
 * roles, flags, audit event, body limit), one route per line, so operators
 * and auditors can read who may call what, and tests can walk every route.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "audit/audit.h"
#include "cli/cli.h"
#include "domain/consent.h"

static const char usage[] =
        "usage: confidant routes\n"
        "\n"
        "Print every HTTP route: method, path, roles allowed (or public),\n"
        "flags, audit event, body limit and the consent a route discloses under\n"
        "(or -), tab-separated.\n";

static const char *method_name(enum http_method m)
{
	switch (m) {
	case HTTP_GET: return "GET";
	case HTTP_POST: return "POST";
	case HTTP_PUT: return "PUT";
	case HTTP_PATCH: return "PATCH";
	case HTTP_DELETE: return "DELETE";
	}
	return "?";
}

int cli_routes(int argc, char **argv)
{
	struct cli_opt o[] = {{0, 0, 0}};
	size_t i;
	unsigned bit;
	int rc = cli_start(argc, argv, o, usage);

	if (rc >= 0)
		return rc;
	for (i = 0; i < api_route_count; i++) {
		const struct route *r = &api_routes[i];
		const char *sep = "";
		int purpose;

		printf("%s\t%s\t", method_name(r->method), r->path);
		if (r->flags & ROUTE_PUBLIC)
			printf("public");
		for (bit = 1; bit <= ROLE_AUDITOR; bit <<= 1) {
			if (r->roles & bit) {
				printf("%s%s", sep, domain_role_name(bit));
				sep = ",";
			}
		}
		purpose = domain_consent_event_purpose((enum audit_event)r->audit_event);
		printf("\t%s%s%s\t%s\t%zu\t%s\n", (r->flags & ROUTE_PENDING) ? "pending-ok" : "",
		       (r->flags & (ROUTE_PENDING | ROUTE_REAUTH)) == (ROUTE_PENDING | ROUTE_REAUTH)
		               ? ","
		               : "",
		       (r->flags & ROUTE_REAUTH) ? "reauth" : "",
		       audit_event_name((enum audit_event)r->audit_event), r->body_max,
		       purpose >= 0 ? domain_consent_purpose_name((enum consent_purpose)purpose)
		                    : "-");
	}
	return 0;
}
