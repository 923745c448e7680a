/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * smcr: the few types and byte-order helpers that the pure wire code (CLC/CDC/LLC codecs, cursor
 * arithmetic) needs, so that the same .c files build inside the kernel module and in userspace
 * (googletest, libFuzzer, libsmc). Nothing here may sleep, allocate or touch global state.
 */
#ifndef SMCR_WIRE_TYPES_H
#define SMCR_WIRE_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/build_bug.h>
#define SMCR_STATIC_ASSERT(expr, msg) static_assert(expr, msg)
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <sys/types.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
#ifdef __cplusplus
#define SMCR_STATIC_ASSERT(expr, msg) static_assert(expr, msg)
#else
#define SMCR_STATIC_ASSERT(expr, msg) _Static_assert(expr, msg)
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Big-endian accessors on unaligned byte buffers: the wire is read and written byte by byte. */
static inline u16 smcr_get_be16(const u8 *p)
{
	return (u16)((u16)p[0] << 8 | p[1]);
}

static inline u32 smcr_get_be24(const u8 *p)
{
	return (u32)p[0] << 16 | (u32)p[1] << 8 | p[2];
}

static inline u32 smcr_get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static inline u64 smcr_get_be64(const u8 *p)
{
	return (u64)smcr_get_be32(p) << 32 | smcr_get_be32(p + 4);
}

static inline void smcr_put_be16(u8 *p, u16 v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

static inline void smcr_put_be24(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 16);
	p[1] = (u8)(v >> 8);
	p[2] = (u8)v;
}

static inline void smcr_put_be32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

static inline void smcr_put_be64(u8 *p, u64 v)
{
	smcr_put_be32(p, (u32)(v >> 32));
	smcr_put_be32(p + 4, (u32)v);
}

/* Little-endian 16-bit: the two SMC-Rv2 LLC fields that x86 Linux writes in host order. */
static inline u16 smcr_get_le16(const u8 *p)
{
	return (u16)(p[0] | (u16)p[1] << 8);
}

static inline void smcr_put_le16(u8 *p, u16 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
}

#ifdef __cplusplus
}
#endif

#endif /* SMCR_WIRE_TYPES_H */
