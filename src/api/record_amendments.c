/*
 * record_amendments.c - the amendment requests about diagnoses and chart
 * fields as JSON, for the diagnosis list and the client record (see
 * api/records.h and domain/record_amendments.h). Never: decides who is
 * shown them (the domain does) or echoes request text in an error.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "api/plans.h"
#include "api/records.h"
#include "core/mem.h"
#include "domain/record_amendments.h"

enum err api_amendments_about(struct domain_ctx *ctx, const char *client_public_id,
                              const char *type, void **out)
{
	struct amendment *as;
	size_t n = 0, i;
	int shown = 0;
	json_t *arr = NULL;
	enum err e;

	if (!domain_amendment_role_shown(ctx)) {
		/* never shown to this role: skip the page's room (about 100 KB,
		 * zeroed, on every chart read) */
		*out = NULL;
		return ERR_OK;
	}
	as = mem_calloc_array(AMENDMENTS_PAGE, sizeof *as);
	if (as == NULL)
		return ERR_NOMEM;
	e = domain_amendment_about(ctx, client_public_id, type, as, AMENDMENTS_PAGE, &n, &shown);
	if (e == ERR_OK && shown) {
		arr = json_array();
		for (i = 0; arr != NULL && i < n; i++)
			json_array_append_new(arr, (json_t *)api_amendment_to_json(&as[i]));
		if (arr == NULL)
			e = ERR_NOMEM;
	}
	for (i = 0; i < n; i++)
		amendment_cleanup(&as[i]);
	free(as);
	if (e == ERR_OK)
		*out = arr;
	return e;
}

void *api_amendments_pick(void *list, const char *target_public_id)
{
	json_t *arr = json_array(), *a;
	size_t i;

	json_array_foreach((json_t *)list, i, a)
	{
		const char *id =
		        json_string_value(json_object_get(json_object_get(a, "target"), "id"));

		if (arr != NULL && id != NULL && strcmp(id, target_public_id) == 0)
			json_array_append(arr, a);
	}
	return arr;
}
