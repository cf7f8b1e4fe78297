/* fuzz_router.c - libFuzzer target: any request path is matched against
 * the real routes table without overrunning the capture scratch space. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *param[HTTP_PARAMS_MAX];
	unsigned nparam = 0;
	int method_ok = 0;
	char *path = malloc(size + 1), *scratch = malloc(size + 1);
	enum http_method m = (enum http_method)(1u << (size % 5));

	if (path == NULL || scratch == NULL) {
		free(path);
		free(scratch);
		return 0;
	}
	memcpy(path, data, size);
	path[size] = '\0';
	(void)http_route_match(api_routes, api_route_count, m, path, scratch, param, &nparam,
	                       &method_ok);
	free(path);
	free(scratch);
	return 0;
}
