/*
 * Target: the same types, rearranged. Fields moved and reordered, some inside an anonymous
 * struct, bitfields moved and widened, an array resized, an unsigned field widened (the load
 * follows) and a signed one widened (the load is poisoned), a field missing, the enum
 * renumbered with one enumerator gone, a 64-bit enum now 32-bit, a typedef and a union
 * resized, a type missing.
 */
struct inner {
	int y;
	int x;
	long extra;
};

struct thing {
	long pad0;
	struct {
		int a;
		long b;
	};
	unsigned int bf2 : 7, bf1 : 3;
	int sbf : 6;
	int arr[8];
	struct inner in;
	unsigned long w;
	long sw;
	struct thing *next;
};

enum color { GREEN = 5, RED = 6 };
enum color64 { BIG = 7 };
typedef long myint_t;
union un {
	long l;
	int i;
	char c;
};

struct thing t;
enum color c;
enum color64 c64;
myint_t mi;
union un u;
