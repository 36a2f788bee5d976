/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv-s390: the SIE state description and the host's entry to SIE.
 */
#ifndef _HV_S390_SIE_H
#define _HV_S390_SIE_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>

/* State-description fields hv sets (offsets as KVM's kvm_s390_sie_block). */
#define SIE_CPUSTAT_ZARCH	0x00000800	/* z/Architecture guest */
#define SIE_CPUSTAT_SM		0x00000080	/* host storage management */

/* Interception codes (sie_block.icptcode). */
#define SIE_ICPT_INST		0x04
#define SIE_ICPT_PROGI		0x08
#define SIE_ICPT_INSTPROGI	0x0c
#define SIE_ICPT_VALIDITY	0x20
#define SIE_ICPT_OPEREXC	0x2c
#define SIE_ICPT_PARTEXEC	0x38
#define SIE_ICPT_IOINST		0x40

/* Validity reason (IPB bits 0-15): the guest prefix area is not mapped. */
#define SIE_VIR_PREFIX		0x0037
/* Prefix faults in a row before hv gives up on the entry. */
#define SIE_PREFIX_RETRIES	16

/*
 * struct hv_sie_block - the SIE state description (512 bytes, 512-aligned)
 *
 * Only the fields hv uses are named; the rest are reserved (zero).  The
 * offsets are the architecture's and KVM's (asm/kvm_host.h); entry.S
 * uses those of @prog0c and @prog20 (asm-offsets __SIE_PROG0C/20).
 */
struct hv_sie_block {
	u32 cpuflags;			/* 0x000 */
	u32 prefix;			/* 0x004: prefix | IBC */
	u8 reserved008[4];
	u32 prog0c;			/* 0x00c: PROG_IN_SIE */
	u8 reserved010[16];
	u32 prog20;			/* 0x020: PROG_BLOCK_SIE, PROG_REQUEST */
	u8 reserved024[4];
	u64 cputm;			/* 0x028 */
	u64 ckc;			/* 0x030 */
	u64 epoch;			/* 0x038 */
	u32 svcc;			/* 0x040 */
	u16 lctl;			/* 0x044 */
	s16 icpua;			/* 0x046 */
	u32 ictl;			/* 0x048 */
	u32 eca;			/* 0x04c */
	u8 icptcode;			/* 0x050 */
	u8 icptstatus;			/* 0x051 */
	u16 ihcpu;			/* 0x052 */
	u8 reserved054;
	u8 iictl;			/* 0x055 */
	u16 ipa;			/* 0x056 */
	u32 ipb;			/* 0x058 */
	u32 scaoh;			/* 0x05c */
	u8 fpf;				/* 0x060 */
	u8 ecb;				/* 0x061 */
	u8 ecb2;			/* 0x062 */
	u8 ecb3;			/* 0x063 */
	u32 scaol;			/* 0x064 */
	u8 sdf;				/* 0x068 */
	u8 epdx;			/* 0x069 */
	u8 cpnc;			/* 0x06a */
	u8 reserved06b;
	u32 todpr;			/* 0x06c */
	u8 reserved070[0x10];
	u64 mso;			/* 0x080: main-storage origin */
	u64 msl;			/* 0x088: main-storage limit */
	u64 psw_mask;			/* 0x090: guest PSW */
	u64 psw_addr;			/* 0x098 */
	u64 gg14;			/* 0x0a0 */
	u64 gg15;			/* 0x0a8 */
	u8 reserved0b0[0x1c];
	u16 pgmilc;			/* 0x0cc */
	u16 iprcc;			/* 0x0ce */
	u32 dxc;			/* 0x0d0 */
	u8 reserved0d4[0x14];
	u64 tecmc;			/* 0x0e8 */
	u8 reserved0f0[0x10];
	u64 gcr[16];			/* 0x100 */
	u64 gbea;			/* 0x180 */
	u8 reserved188[0x18];
	u32 fac;			/* 0x1a0 */
	u8 reserved1a4[0x3a];
	u64 pp;				/* 0x1de */
	u8 reserved1e6[0x1a];
} __packed __aligned(512);

static_assert(sizeof(struct hv_sie_block) == 512);
static_assert(offsetof(struct hv_sie_block, prog0c) == 0x0c);
static_assert(offsetof(struct hv_sie_block, prog20) == 0x20);
static_assert(offsetof(struct hv_sie_block, icptcode) == 0x50);
static_assert(offsetof(struct hv_sie_block, ipa) == 0x56);
static_assert(offsetof(struct hv_sie_block, todpr) == 0x6c);
static_assert(offsetof(struct hv_sie_block, msl) == 0x88);
static_assert(offsetof(struct hv_sie_block, psw_mask) == 0x90);
static_assert(offsetof(struct hv_sie_block, gg14) == 0xa0);
static_assert(offsetof(struct hv_sie_block, iprcc) == 0xce);
static_assert(offsetof(struct hv_sie_block, tecmc) == 0xe8);
static_assert(offsetof(struct hv_sie_block, gcr) == 0x100);
static_assert(offsetof(struct hv_sie_block, fac) == 0x1a0);
static_assert(offsetof(struct hv_sie_block, pp) == 0x1de);

/*
 * entry.S: run SIE on @sb with the guest general registers at @gprs (0-13;
 * 14 and 15 are in the state description).  Returns 0, -EFAULT for a
 * guest access the host could not resolve, -EINTR after a machine check.
 */
int sie64a(struct hv_sie_block *sb, u64 *gprs);

#endif /* _HV_S390_SIE_H */
