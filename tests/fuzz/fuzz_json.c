/* fuzz_json.c - libFuzzer target: request bodies go through the nesting
 * check and jansson with our flags; any input gives an object or a clean
 * ERR_INVAL with a message, never a crash or a leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api/api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const allowed[] = {"legal_name", "email", "version", NULL};
	struct http_request rq;
	struct http_response rs;
	char *body = malloc(size + 1);
	void *root = NULL;
	enum err e;

	if (body == NULL)
		return 0;
	memcpy(body, data, size);
	body[size] = '\0';
	memset(&rq, 0, sizeof rq);
	memset(&rs, 0, sizeof rs);
	rq.body = body;
	rq.body_len = size;
	e = api_json_object(&rq, &rs, allowed, &root);
	if (e == ERR_OK)
		json_decref(root);
	else if (rs.message == NULL)
		abort(); /* every refusal says why */
	free(body);
	return 0;
}
