/* fuzz_signal.c - libFuzzer target: any message a video participant sends
 * over the signaling WebSocket goes through api_telehealth_relay without a
 * crash or a leak, and whatever it accepts comes out as one JSON object of
 * a known type that carries the sender as "from" and no "to". */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/telehealth.h"
#include "core/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char self[] = "0123456789abcdef0123456789abcdef";
	char to[HTTP_WS_KEY_MAX];
	struct buf out;
	json_t *o;
	const char *type, *from;

	buf_init(&out, 128 * 1024, 1);
	if (api_telehealth_relay(self, (const char *)data, size, &out, to) == ERR_OK) {
		o = json_loadb(out.data, out.len, JSON_REJECT_DUPLICATES, NULL);
		type = json_string_value(json_object_get(o, "type"));
		from = json_string_value(json_object_get(o, "from"));
		if (o == NULL || type == NULL || from == NULL || json_object_get(o, "to") != NULL ||
		    strcmp(from, self) != 0 ||
		    (strcmp(type, "offer") != 0 && strcmp(type, "answer") != 0 &&
		     strcmp(type, "ice") != 0 && strcmp(type, "bye") != 0))
			abort();
		json_decref(o);
	}
	buf_cleanup(&out);
	return 0;
}
