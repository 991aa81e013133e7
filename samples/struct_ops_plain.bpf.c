// SPDX-License-Identifier: GPL-2.0
/*
 * The same congestion control as struct_ops_cc.bpf.c, as a plain ".struct_ops" map named
 * "rb_cc_plain": registered by the map update itself (no BPF link), and unregistered by
 * deleting the map's element.
 */
#define RB_CC_SECTION ".struct_ops"
#define RB_CC_NAME "rb_cc_plain"
#include "struct_ops_cc.bpf.c"
