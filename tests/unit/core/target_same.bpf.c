/* Target: exactly the program's own layout. Every relocation keeps its compiled value. */
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
};

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

struct thing t;
enum color c;
enum color64 c64;
myint_t mi;
struct only_local ol;
union un u;
