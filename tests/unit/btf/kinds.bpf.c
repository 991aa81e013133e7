/* Every BTF kind clang emits for BPF C, for the btf dump test: bitfields, anonymous unions,
 * signed and 64-bit enums, floats, decl and type tags, data sections, func protos. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

enum wide { WIDE_BIG = 0xffffffffffULL, WIDE_ONE = 1 };
enum sgn { SGN_NEG = -3, SGN_POS = 4 };
enum small : unsigned char { SMALL_A = 200 };

struct bits {
	unsigned int a : 3;
	int b : 5;
	long long c;
	union {
		int x;
		char y;
	};
	struct {
		short s1, s2;
	} nested[2];
	char tail[];
};

struct fwd_only;
union fwd_union;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, int);
	__type(value, struct bits);
} m SEC(".maps");

int g = 3;
const volatile int ro = 4;
float f;
double d;
enum wide ew;
enum sgn es;
enum small esm;
struct fwd_only *fp;
union fwd_union *fu;
int __attribute__((btf_decl_tag("tagged"))) tagged_var;
int __attribute__((btf_type_tag("user"))) * utp;
typedef int (*callback_t)(int, ...);
callback_t cb;

static __attribute__((noinline)) int sub(struct bits *b __attribute__((btf_decl_tag("arg"))))
{
	return b ? b->b : 0;
}

int use_f(float *p, double *q)
{
	return p != 0 && q != 0;
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int prog(void *ctx)
{
	int k = 0;
	struct bits *v = bpf_map_lookup_elem(&m, &k);

	if (v)
		v->a++;
	return g + ro + ew + es + esm + sub(v);
}

char LICENSE[] SEC("license") = "GPL";
