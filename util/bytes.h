/* Small byte-level helpers shared by the layers. */
#ifndef RB_UTIL_BYTES_H
#define RB_UTIL_BYTES_H

#include <stdint.h>
#include <string.h>

/*
 * Store v (two's complement) in size bytes (1, 2, 4, else 8) at dst, in host byte order:
 * for map values written on this machine (globals, kconfig).
 */
static inline void bytes_store_uint(uint8_t *dst, uint32_t size, uint64_t v)
{
	uint8_t u8 = (uint8_t)v;
	uint16_t u16 = (uint16_t)v;
	uint32_t u32 = (uint32_t)v;

	switch (size) {
	case 1:
		memcpy(dst, &u8, 1);
		break;
	case 2:
		memcpy(dst, &u16, 2);
		break;
	case 4:
		memcpy(dst, &u32, 4);
		break;
	default:
		memcpy(dst, &v, 8);
		break;
	}
}

#endif
