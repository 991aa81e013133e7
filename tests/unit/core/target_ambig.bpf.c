/*
 * Target: two flavors of struct thing that disagree about where 'b' is (and agree about
 * 'a'), so relocations on 'b' are ambiguous and those on 'a' are not.
 */
struct thing___one {
	int a;
	long b;
};

struct thing___two {
	int a;
	long pad;
	long b;
};

struct thing___one t1;
struct thing___two t2;
