// SPDX-License-Identifier: GPL-2.0-only
/*
 * The map print at the end of `rawbpf load`: one line per entry, "KEY = VALUE", both
 * formatted with the map's BTF types (the object's, as loaded) by rb_map_dump, the same walk
 * `rawbpf map dump` does; integers as numbers, structs as {"field":...}, char arrays as
 * strings, per-CPU values as a list. Maps without BTF types show hex bytes. At most limit
 * entries are shown, then a "... N more" line.
 */
#include <stdio.h>
#include <string.h>

#include "loader/cli/cli.h"

struct print_ctx {
	size_t limit, shown;
};

/* The end of the JSON value starting at s: the first ',' or closing bracket at depth 0. */
static const char *json_value_end(const char *s, const char *end)
{
	int depth = 0;
	bool str = false;

	for (; s < end; s++) {
		if (str) {
			if (*s == '\\' && s + 1 < end)
				s++;
			else if (*s == '"')
				str = false;
			continue;
		}
		if (*s == '"')
			str = true;
		else if (*s == '{' || *s == '[')
			depth++;
		else if ((*s == '}' || *s == ']') && depth-- == 0)
			return s;
		else if (*s == ',' && depth == 0)
			return s;
	}
	return end;
}

/* "name":VALUE at p (after optional ','): VALUE's span; false if p holds something else. */
static bool field(const char **p, const char *end, const char *name, const char **v, size_t *n)
{
	size_t len = strlen(name);
	const char *s = *p, *e;

	if (s < end && *s == ',')
		s++;
	if ((size_t)(end - s) < len + 3 || s[0] != '"' || memcmp(s + 1, name, len) ||
	    s[len + 1] != '"' || s[len + 2] != ':')
		return false;
	s += len + 3;
	e = json_value_end(s, end);
	*v = s;
	*n = (size_t)(e - s);
	*p = e;
	return true;
}

/*
 * A hex byte array ["0x01","0x02"] without BTF: 1, 2, 4 and 8 bytes as the little-endian
 * number they hold (global data maps are keyed by a u32 index without a key type), other
 * sizes as hex digits.
 */
static void print_hex_array(const char *s, size_t n)
{
	unsigned char b[8];
	size_t cnt = 0;
	unsigned long long v = 0;

	for (size_t i = 0; i + 4 < n; i++)
		if (s[i] == '"' && s[i + 1] == '0' && s[i + 2] == 'x') {
			unsigned x;

			if (cnt < sizeof(b) && sscanf(s + i + 3, "%2x", &x) == 1)
				b[cnt] = (unsigned char)x;
			cnt++;
			i += 5;
		}
	if (cnt == 1 || cnt == 2 || cnt == 4 || cnt == 8) {
		for (size_t i = cnt; i-- > 0;)
			v = v << 8 | b[i];
		printf("%llu", v);
		return;
	}
	for (size_t i = 0; i + 4 < n; i++)
		if (s[i] == '"' && s[i + 1] == '0' && s[i + 2] == 'x') {
			printf("%c%c", s[i + 3], s[i + 4]);
			i += 5;
		}
}

/* One entry as rb_map_dump's JSON style writes it: {"key":[..],"value":[..],"formatted":{..}}. */
static void print_entry(const char *s, const char *end)
{
	static const char fmt_tag[] = ",\"formatted\":{";
	const char *hk = NULL, *hv = NULL, *k = NULL, *v = NULL, *f, *p = s + 1;
	size_t hkn = 0, hvn = 0, kn = 0, vn = 0;

	field(&p, end, "key", &hk, &hkn);
	if (!field(&p, end, "value", &hv, &hvn))
		field(&p, end, "values", &hv, &hvn);
	/* "formatted" comes last (after prog_id/map_id for maps of ids), when there is BTF */
	f = memmem(p, (size_t)(end - p), fmt_tag, sizeof(fmt_tag) - 1);
	if (f) {
		p = f + sizeof(fmt_tag) - 1;
		field(&p, end, "key", &k, &kn);
		if (!field(&p, end, "value", &v, &vn))
			field(&p, end, "values", &v, &vn);
	}
	printf("  ");
	if (k)
		printf("%.*s", (int)kn, k);
	else if (hk)
		print_hex_array(hk, hkn);
	printf(" = ");
	if (v)
		printf("%.*s", (int)vn, v);
	else if (hv && hvn > 1 && hv[1] == '{')
		printf("%.*s", (int)hvn, hv); /* per-CPU without BTF: the CPU list as it is */
	else if (hv)
		print_hex_array(hv, hvn);
	printf("\n");
}

static int on_chunk(const char *text, size_t len, void *ctx)
{
	struct print_ctx *pc = ctx;
	const char *end = text + len;

	/* each chunk is one entry: "[{...}" first, ",{...}" after; "]\n" at the end */
	while (text < end && (*text == '[' || *text == ','))
		text++;
	if (text >= end || *text != '{')
		return 0;
	if (pc->shown++ < pc->limit)
		print_entry(text, end);
	return 0;
}

void load_print_map(const char *name, int fd, size_t limit, struct rb_btf_cache **cache)
{
	struct print_ctx pc = {.limit = limit};
	struct rb_map_dump_info info;
	struct rb_map_fd_info mi;
	struct rb_error e = {0};
	const char *type;

	if (fd < 0 || rb_map_fd_info(fd, &mi) < 0)
		return;
	type = rb_map_type_name(mi.type) ? rb_map_type_name(mi.type) : "?";
	printf("map %s (%s):\n", name, type);
	if (!*cache)
		*cache = rb_btf_cache_new(); /* NULL (no memory): each map fetches its own */
	if (rb_map_dump_cached(fd, RB_DUMP_JSON, on_chunk, &pc, *cache, &info, &e) < 0) {
		printf("  (cannot be read: %s)\n", e.msg);
		return;
	}
	if (info.no_entries)
		printf("  (not listed: %s)\n", info.no_entries);
	else if (!pc.shown)
		printf("  (empty)\n");
	else if (pc.shown > limit)
		printf("  ... %zu more\n", pc.shown - limit);
}

void load_print_struct_ops(const struct rb_loaded *l)
{
	for (size_t i = 0; i < rb_loaded_struct_ops_count(l); i++) {
		struct rb_struct_ops_info so;

		rb_loaded_struct_ops(l, i, &so);
		if (so.registered)
			printf("  struct_ops %s registered as %s%s%s%s (%s", so.map, so.type,
			       so.name[0] ? " (" : "", so.name, so.name[0] ? ")" : "", so.note);
		else
			printf("  struct_ops %s (%s) not registered%s%s", so.map, so.type,
			       so.note[0] ? ": " : "", so.note);
		if (so.registered && so.link_id)
			printf(", link id %u", so.link_id);
		printf("%s\n", so.registered ? ")" : "");
	}
}
