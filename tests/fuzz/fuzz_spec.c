/* libFuzzer target for the config parser (`make fuzz`).
 *
 * Each input goes through the three entry points that read untrusted JSON
 * (config.json, process.json, a resources file).  When a config parses, its
 * annotations go back out through the state writer and that output must
 * parse as JSON again: the writer must never emit invalid JSON for strings
 * the parser accepted. */
#include <stdint.h>
#include <stdlib.h>

#include "spec/internal.h"

static void state_round_trip(const struct spec *s)
{
	struct spec_state st = {.oci_version = s->oci_version, .id = "fuzz",
				.status = "created", .pid = 1,
				.bundle = s->root->path,
				.annotations = s->annotations,
				.nannotations = s->nannotations};
	char *json = spec_state_json(&st, s->nannotations & 1);
	struct jdoc *d = NULL;
	struct herr e;

	if (sp_json_parse(json, strlen(json), &d, &e) < 0)
		abort();
	sp_json_free(d);
	free(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct spec_process *p = NULL;
	struct spec_resources *r = NULL;
	struct spec *s = NULL;
	struct herr e;

	if (spec_parse(text, size, &s, &e) == 0) {
		state_round_trip(s);
		spec_free(s);
	}
	if (spec_process_parse(text, size, &p, &e) == 0)
		spec_process_free(p);
	if (spec_resources_parse(text, size, &r, &e) == 0)
		spec_resources_free(r);
	return 0;
}
