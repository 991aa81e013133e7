// SPDX-License-Identifier: GPL-2.0
/*
 * Test object for tests/unit/test_setvar.c: one global of every kind of type that
 * `--set VAR=VALUE` parses or refuses: integers of each size and sign, char, bool, enums
 * (unsigned, signed, 64-bit), a char array, a pointer, a struct, a .bss counter and a knob
 * in a section of our own (.rodata.knobs). The program reads them so that they are used.
 */
#include <stdbool.h>
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

enum mode { MODE_OFF = 0, MODE_ON = 1, MODE_AUTO = 7 };
enum delta { DELTA_DOWN = -1, DELTA_UP = 1 };
enum wide { WIDE_BIG = 0x100000000ULL };

struct pair {
	int a, b;
};

const volatile __u8 k_u8 = 1;
const volatile __s8 k_s8 = -1;
const volatile __u16 k_u16 = 2;
const volatile __s16 k_s16 = -2;
const volatile __u32 k_u32 = 3;
const volatile __s32 k_s32 = -3;
const volatile __u64 k_u64 = 4;
const volatile __s64 k_s64 = -4;
const volatile char k_char = 'x';
const volatile bool k_bool = false;
const volatile enum mode k_mode = MODE_OFF;
const volatile enum delta k_delta = DELTA_UP;
const volatile enum wide k_wide = WIDE_BIG;
const volatile char k_name[8] = "abc";
const volatile struct pair k_pair = { 1, 2 };
const volatile __u32 k_custom SEC(".rodata.knobs") = 5;
int *d_ptr = 0;
int d_int = 6;
__u64 b_count;

SEC("socket")
int knobs_prog(void *ctx)
{
	b_count += k_u8 + k_s8 + k_u16 + k_s16 + k_u32 + k_s32 + k_u64 + k_s64 + k_char;
	if (k_bool && k_mode == MODE_AUTO && k_delta == DELTA_DOWN && k_wide)
		b_count += k_name[0] + k_pair.a + k_custom + d_int + (d_ptr != 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
