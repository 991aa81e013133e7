/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Shared between the files of the CO-RE engine (relo/core*.c) only. */
#ifndef RB_RELO_CORE_INTERNAL_H
#define RB_RELO_CORE_INTERNAL_H

#include <stddef.h>

#include "relo/core.h"
#include "util/strbuf.h"

/* Work allowed for one structural comparison: hostile BTF cannot make matching explode. */
#define CORE_STEP_BUDGET 1000000u

struct core_budget {
	uint32_t steps;
};

static inline bool core_kind_is_field(uint32_t k)
{
	return k <= CORE_FIELD_RSHIFT_U64;
}

static inline bool core_kind_is_type(uint32_t k)
{
	return k == CORE_TYPE_ID_LOCAL || k == CORE_TYPE_ID_TARGET || k == CORE_TYPE_EXISTS ||
	       k == CORE_TYPE_SIZE || k == CORE_TYPE_MATCHES;
}

static inline bool core_kind_is_enumval(uint32_t k)
{
	return k == CORE_ENUMVAL_EXISTS || k == CORE_ENUMVAL_VALUE;
}

bool core_kinds_compat(const struct btf_type *a, const struct btf_type *b);
int core_types_compat_depth(const struct btf *lb, uint32_t lid, const struct btf *tb,
			    uint32_t tid, int level);
int core_fields_compat(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid);

/* Parse access string str for a record of kind on btf/root into spec; why on failure. */
int core_spec_parse(const struct btf *btf, uint32_t root, const char *str, uint32_t kind,
		    struct core_spec *spec, char *why, size_t why_len);
/* Match local spec ls against target type tid: 1 yes (ts filled), 0 no (why), <0 error. */
int core_spec_match(const struct core_spec *ls, const struct btf *tb, uint32_t tid,
		    struct core_spec *ts, char *why, size_t why_len);
/* The access in C: "struct task_struct->real_parent", "enum e::VAL", "struct s". */
void core_spec_spell(const struct core_spec *spec, char *buf, size_t len);

/* The value a spec gives for its kind (spec NULL: no target). -EUCLEAN means poison. */
struct core_value {
	uint64_t val;
	uint32_t size;	  /* field byte size (BYTE_OFFSET of a non-bitfield), else 0 */
	uint32_t type_id; /* the field's type (same condition) */
	bool validate;	  /* the compiled instruction can be checked against val */
};
int core_spec_value(const struct core_spec *spec, uint32_t kind, bool big_endian,
		    struct core_value *out, char *why, size_t why_len);

#endif
