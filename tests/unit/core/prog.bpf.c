/* The CO-RE program: every relocation kind on local types that the targets change. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct inner {
	int x;
	int y;
};

struct thing {
	int a;
	long b;
	struct inner in;
	unsigned int bf1 : 3, bf2 : 5;
	int sbf : 4;
	int arr[4];
	struct thing *next;
	unsigned int w;
	int sw;
	char name[8];
} __attribute__((preserve_access_index));

/* A flavor: how some targets spell the struct (a field renamed). */
struct thing___v2 {
	int a_renamed;
} __attribute__((preserve_access_index));

enum color { RED, GREEN, BLUE };
enum color64 { BIG = 0x100000000ULL };
typedef int myint_t;
struct only_local {
	int q;
};
union un {
	int i;
	char c;
};

struct out {
	long v[32];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, int);
	__type(value, struct out);
} res SEC(".maps");

SEC("tp_btf/sys_enter")
int prog(void *ctx)
{
	struct thing *t = *(struct thing **)ctx;
	struct out *o;
	int k = 0;

	o = bpf_map_lookup_elem(&res, &k);
	if (!o)
		return 0;
	o->v[0] = BPF_CORE_READ(t, b);
	o->v[1] = BPF_CORE_READ(t, in.y);
	o->v[2] = BPF_CORE_READ(t, next, a);
	o->v[3] = BPF_CORE_READ(t, arr[2]);
	o->v[4] = bpf_core_field_exists(t->name);
	o->v[5] = bpf_core_field_size(t->arr);
	o->v[6] = BPF_CORE_READ_BITFIELD_PROBED(t, bf2);
	o->v[7] = BPF_CORE_READ_BITFIELD(t, sbf);
	o->v[8] = bpf_core_type_exists(struct only_local);
	o->v[9] = bpf_core_type_size(struct thing);
	o->v[10] = bpf_core_type_matches(struct inner);
	o->v[11] = bpf_core_enum_value_exists(enum color, BLUE);
	o->v[12] = bpf_core_enum_value(enum color, GREEN);
	o->v[13] = bpf_core_type_id_kernel(struct thing);
	o->v[14] = bpf_core_type_id_local(struct thing);
	o->v[15] = bpf_core_field_exists(((struct thing___v2 *)t)->a_renamed);
	o->v[16] = bpf_core_enum_value(enum color64, BIG);
	o->v[17] = bpf_core_type_exists(myint_t);
	o->v[18] = bpf_core_type_size(union un);
	o->v[19] = t->w;  /* direct loads: LDX offsets (and sizes) relocated */
	o->v[20] = t->sw;
	o->v[21] = __builtin_preserve_field_info(t->sbf, BPF_FIELD_SIGNED);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
