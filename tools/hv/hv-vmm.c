// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv-vmm: a small reference VMM that boots an unmodified x86-64 Linux
 * bzImage on hv (or, unchanged, on KVM: --dev /dev/kvm).
 *
 * What it gives the guest:
 *  - RAM from 0 to --mem, one memory slot, described by an e820 map;
 *  - N vCPUs on the in-kernel irqchip (LAPICs, IOAPIC, 8259s) and PIT,
 *    announced by ACPI tables (RSDP, XSDT, FADT, FACS, DSDT, MADT): Linux
 *    starts the APs itself with INIT/SIPI through the in-kernel LAPIC;
 *  - an 8250/16550A UART at 0x3f8, IRQ 4: the console, copied to stdout;
 *  - a virtio-mmio (virtio 1.0, MMIO v2) block device backed by --disk,
 *    at 0xd0000000, GSI 5, described in the DSDT as LNRO0005 (Debian's
 *    kernel has no virtio_mmio.device= parameter); the queue notify is an
 *    ioeventfd served by a thread, the interrupt an irqfd;
 *  - a CMOS RTC and an ACPI PM timer (0x608), the guest's time references
 *    when it has no kvmclock (hv offers none);
 *  - ACPI S5 power-off (PM1a control at 0x604), reset (0xcf9 or 0x64),
 *    and two ports of its own (exit 0x501, time mark 0x502): see
 *    print_usage() and tools/hv/README.md.
 *
 * Boot: Documentation/x86/boot.rst, "64-bit boot protocol": the protected
 * mode kernel at 1 MiB, the zero page (boot_params) with the setup header
 * copied from the file, identity-mapped page tables, a flat GDT, and entry
 * at the 64-bit entry point (load address + 0x200) with RSI = boot_params.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/hv.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MIB		(1024ULL * 1024)

/* Guest physical memory map. */
#define GDT_ADDR	0x1000ULL	/* flat GDT: 0x10 code, 0x18 data */
#define ZERO_PAGE	0x7000ULL	/* struct boot_params */
#define PML4_ADDR	0x10000ULL	/* + PDPT + 4 PDs: 4 GiB in 2 MiB pages */
#define CMDLINE_ADDR	0x20000ULL
#define EBDA_START	0x9fc00ULL	/* 639 KiB: end of low RAM */
#define ACPI_ADDR	0xe0000ULL	/* RSDP is searched for in 0xe0000-0xfffff */
#define KERNEL_ADDR	0x100000ULL	/* boot.rst: protected-mode kernel at 1 MiB */
#define VIRTIO_BASE	0xd0000000ULL
#define VIRTIO_SIZE	0x200
#define LAPIC_BASE	0xfee00000U
#define IOAPIC_BASE	0xfec00000U

#define MEM_MIN_MIB	64
#define MEM_MAX_MIB	3072	/* below the MMIO hole at VIRTIO_BASE */

/* I/O ports. */
#define COM1_PORT	0x3f8
#define COM1_IRQ	4
#define VIRTIO_IRQ	5
#define SCI_IRQ		9
#define PM1A_EVT	0x600	/* status (2 bytes) + enable (2 bytes) */
#define PM1A_CNT	0x604
#define PM_TMR		0x608	/* ACPI PM timer, 32 bits at 3.579545 MHz */
#define PM_TMR_HZ	3579545ULL
#define EXIT_PORT	0x501	/* write: exit with status = value */
#define MARK_PORT	0x502	/* write: print the time since start */
#define S5_SLP_TYP	5	/* our \_S5 package value */

/* Boot protocol offsets, Documentation/x86/boot.rst and zero-page.rst. */
#define BP_EXT_RAMDISK_IMAGE	0x0c0
#define BP_EXT_RAMDISK_SIZE	0x0c4
#define BP_EXT_CMD_LINE_PTR	0x0c8
#define BP_E820_ENTRIES		0x1e8
#define BP_HDR			0x1f1	/* setup header starts here */
#define HDR_SETUP_SECTS		0x1f1
#define HDR_JUMP		0x200	/* its second byte ends the header */
#define HDR_MAGIC		0x202	/* "HdrS" */
#define HDR_VERSION		0x206
#define HDR_TYPE_OF_LOADER	0x210
#define HDR_LOADFLAGS		0x211
#define HDR_RAMDISK_IMAGE	0x218
#define HDR_RAMDISK_SIZE	0x21c
#define HDR_HEAP_END_PTR	0x224
#define HDR_CMD_LINE_PTR	0x228
#define HDR_INITRD_ADDR_MAX	0x22c
#define HDR_XLOADFLAGS		0x236
#define HDR_CMDLINE_SIZE	0x238
#define HDR_INIT_SIZE		0x260
#define BP_E820_TABLE		0x2d0
#define XLF_KERNEL_64		0x1
#define LOADFLAGS_CAN_USE_HEAP	0x80
#define E820_RAM		1
#define E820_RESERVED		2

static const char *prog = "hv-vmm";
static struct timespec start_time;
static int verbose;

static struct {
	int fd;			/* VM */
	u8 *mem;
	u64 mem_size;
	int ncpus;
	int run_size;
} vm;

static void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static double elapsed(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start_time.tv_sec) +
	       (now.tv_nsec - start_time.tv_nsec) / 1e9;
}

static void guest_exit(int status, const char *why)
{
	fprintf(stderr, "\n%s: %s: exit status %d after %.2f s\n", prog, why,
		status, elapsed());
	exit(status);
}

/* Guest physical to host address; NULL unless [gpa, gpa + len) is RAM. */
static void *gpa(u64 addr, u64 len)
{
	if (addr > vm.mem_size || len > vm.mem_size - addr)
		return NULL;
	return vm.mem + addr;
}

static void put16(u8 *p, u16 v)
{
	memcpy(p, &v, 2);
}

static void put32(u8 *p, u32 v)
{
	memcpy(p, &v, 4);
}

static void put64(u8 *p, u64 v)
{
	memcpy(p, &v, 8);
}

static u16 get16(const u8 *p)
{
	u16 v;

	memcpy(&v, p, 2);
	return v;
}

static u32 get32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return v;
}

static void irq_line(int irq, int level)
{
	struct hv_irq_level l = { .irq = irq, .level = level };

	if (ioctl(vm.fd, HV_IRQ_LINE, &l))
		fail("HV_IRQ_LINE(%d, %d): %s", irq, level, strerror(errno));
}

/* ------------------------------------------------------------------
 * 8250 UART (16550A register set, National Semiconductor PC16550D
 * datasheet).  Transmission is instant: THR is always empty again right
 * after a write, which raises the THRE interrupt when IER asks for it.
 * There is no input: RBR reads 0 and LSR never reports data ready.
 */
#define UART_IER_THRI	0x02
#define UART_IIR_NONE	0x01
#define UART_IIR_THRI	0x02
#define UART_IIR_FIFO	0xc0	/* FIFOs enabled: a 16550A */
#define UART_LCR_DLAB	0x80
#define UART_MCR_LOOP	0x10
#define UART_LSR_TEMT	0x60	/* THRE | TEMT */

static struct {
	pthread_mutex_t lock;
	u8 ier, lcr, mcr, scr, fcr, dll, dlm;
	int thr_pending;	/* THRE interrupt waiting for IIR read/THR write */
	int line;		/* level driven on the IRQ line */
} uart = { .lock = PTHREAD_MUTEX_INITIALIZER, .dll = 1 };

static u8 uart_iir(void)
{
	u8 fifo = (uart.fcr & 1) ? UART_IIR_FIFO : 0;

	if ((uart.ier & UART_IER_THRI) && uart.thr_pending)
		return fifo | UART_IIR_THRI;
	return fifo | UART_IIR_NONE;
}

/* An ISA line: the IOAPIC pin is edge triggered, so drive real edges. */
static void uart_update_irq(void)
{
	int level = !(uart_iir() & UART_IIR_NONE);

	if (level != uart.line) {
		uart.line = level;
		irq_line(COM1_IRQ, level);
	}
}

static void uart_out(int reg, u8 v)
{
	u8 old;

	switch (reg) {
	case 0:
		if (uart.lcr & UART_LCR_DLAB) {
			uart.dll = v;
			break;
		}
		if (!(uart.mcr & UART_MCR_LOOP) && write(1, &v, 1) < 0)
			break;
		/* THR written, then sent: the THRE interrupt drops and rises. */
		uart.thr_pending = 0;
		uart_update_irq();
		uart.thr_pending = 1;
		break;
	case 1:
		if (uart.lcr & UART_LCR_DLAB) {
			uart.dlm = v;
			break;
		}
		old = uart.ier;
		uart.ier = v & 0x0f;
		/* Enabling THRI with an empty THR interrupts at once. */
		if ((uart.ier & ~old) & UART_IER_THRI)
			uart.thr_pending = 1;
		break;
	case 2:
		uart.fcr = v;
		break;
	case 3:
		uart.lcr = v;
		break;
	case 4:
		uart.mcr = v & 0x1f;
		break;
	case 7:
		uart.scr = v;
		break;
	}
	uart_update_irq();
}

static u8 uart_in(int reg)
{
	u8 v = 0;

	switch (reg) {
	case 0:
		v = (uart.lcr & UART_LCR_DLAB) ? uart.dll : 0;
		break;
	case 1:
		v = (uart.lcr & UART_LCR_DLAB) ? uart.dlm : uart.ier;
		break;
	case 2:
		v = uart_iir();
		/* Reading IIR when it reports THRE clears that interrupt. */
		if ((v & 0x0f) == UART_IIR_THRI)
			uart.thr_pending = 0;
		break;
	case 3:
		v = uart.lcr;
		break;
	case 4:
		v = uart.mcr;
		break;
	case 5:
		v = UART_LSR_TEMT;
		break;
	case 6:
		/* Loopback wires DTR/RTS/OUT1/OUT2 to DSR/CTS/RI/DCD. */
		if (uart.mcr & UART_MCR_LOOP)
			v = ((uart.mcr & 0x01) << 5) | ((uart.mcr & 0x02) << 3) |
			    ((uart.mcr & 0x04) << 4) | ((uart.mcr & 0x08) << 4);
		else
			v = 0xb0;	/* DCD, DSR, CTS */
		break;
	case 7:
		v = uart.scr;
		break;
	}
	uart_update_irq();
	return v;
}

/* ------------------------------------------------------------------
 * CMOS RTC (MC146818): the time of day in BCD, never updating, so that
 * Linux's read of the wall clock finds UIP clear.
 */
static u8 cmos_index;

static u8 bcd(int v)
{
	return ((v / 10) << 4) | (v % 10);
}

static u8 cmos_read(void)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	switch (cmos_index & 0x7f) {
	case 0x00: return bcd(tm.tm_sec);
	case 0x02: return bcd(tm.tm_min);
	case 0x04: return bcd(tm.tm_hour);
	case 0x06: return bcd(tm.tm_wday + 1);
	case 0x07: return bcd(tm.tm_mday);
	case 0x08: return bcd(tm.tm_mon + 1);
	case 0x09: return bcd(tm.tm_year % 100);
	case 0x32: return bcd(19 + tm.tm_year / 100);
	case 0x0a: return 0x26;	/* 32.768 kHz base, UIP clear */
	case 0x0b: return 0x02;	/* 24 hour, BCD */
	case 0x0d: return 0x80;	/* valid RAM and time */
	}
	return 0;
}

/* ------------------------------------------------------------------
 * virtio-mmio block device: virtio 1.0 (OASIS, csprd01..cs04) section
 * 4.2.2 "MMIO Device Register Layout" (Version 2), section 2.4 split
 * virtqueues, section 5.2 block device.  One queue.
 */
#define VIRTIO_MAGIC		0x74726976	/* "virt" */
#define VIRTIO_ID_BLOCK		2
#define VIRTIO_VENDOR		0x00766800	/* "\0hv\0" */
#define VIRTIO_F_VERSION_1	32
#define VIRTIO_BLK_F_SEG_MAX	2
#define VIRTIO_BLK_F_RO		5
#define VIRTIO_BLK_F_FLUSH	9
#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_T_GET_ID	8
#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_S_IOERR	1
#define VIRTIO_BLK_S_UNSUPP	2
#define VIRTQ_DESC_F_NEXT	1
#define VIRTQ_DESC_F_WRITE	2
#define QUEUE_SIZE		128
#define SEG_MAX			(QUEUE_SIZE - 2)	/* header and status */
#define MAX_SEGS		QUEUE_SIZE

/* Registers, Version 2 layout. */
enum {
	VM_MAGIC = 0x000, VM_VERSION = 0x004, VM_DEVICE_ID = 0x008,
	VM_VENDOR_ID = 0x00c, VM_DEV_FEATURES = 0x010,
	VM_DEV_FEATURES_SEL = 0x014, VM_DRV_FEATURES = 0x020,
	VM_DRV_FEATURES_SEL = 0x024, VM_QUEUE_SEL = 0x030,
	VM_QUEUE_NUM_MAX = 0x034, VM_QUEUE_NUM = 0x038, VM_QUEUE_READY = 0x044,
	VM_QUEUE_NOTIFY = 0x050, VM_INT_STATUS = 0x060, VM_INT_ACK = 0x064,
	VM_STATUS = 0x070, VM_QUEUE_DESC_LO = 0x080, VM_QUEUE_DESC_HI = 0x084,
	VM_QUEUE_DRIVER_LO = 0x090, VM_QUEUE_DRIVER_HI = 0x094,
	VM_QUEUE_DEVICE_LO = 0x0a0, VM_QUEUE_DEVICE_HI = 0x0a4,
	VM_CONFIG_GEN = 0x0fc, VM_CONFIG = 0x100,
};

struct virtq_desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};

static struct {
	pthread_mutex_t lock;
	int disk;		/* backing file; -1: no device */
	int readonly;
	u64 sectors;
	u64 features;
	u32 dev_features_sel, drv_features_sel, queue_sel;
	u32 status, int_status;
	u32 queue_num, queue_ready;
	u64 desc, avail, used;
	u16 last_avail;		/* next avail ring entry to serve */
	u16 used_idx;		/* ours; the guest's copy is not trusted */
	int notify_fd;		/* ioeventfd; -1: notify is an MMIO exit */
	int irq_fd;		/* irqfd; -1: raise the line with HV_IRQ_LINE */
	u8 config[24];		/* struct virtio_blk_config up to blk_size */
} blk = { .lock = PTHREAD_MUTEX_INITIALIZER, .disk = -1,
	  .notify_fd = -1, .irq_fd = -1 };

static void blk_reset(void)
{
	blk.features = 0;
	blk.dev_features_sel = 0;
	blk.drv_features_sel = 0;
	blk.queue_sel = 0;
	blk.status = 0;
	blk.int_status = 0;
	blk.queue_num = QUEUE_SIZE;
	blk.queue_ready = 0;
	blk.desc = 0;
	blk.avail = 0;
	blk.used = 0;
	blk.last_avail = 0;
	blk.used_idx = 0;
}

static u64 blk_device_features(void)
{
	u64 f = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_BLK_F_SEG_MAX) |
		(1ULL << VIRTIO_BLK_F_FLUSH);

	if (blk.readonly)
		f |= 1ULL << VIRTIO_BLK_F_RO;
	return f;
}

static void blk_interrupt(void)
{
	u64 one = 1;

	blk.int_status |= 1;	/* used buffer notification */
	if (blk.irq_fd >= 0) {
		if (write(blk.irq_fd, &one, 8) != 8)
			fail("irqfd write: %s", strerror(errno));
		return;
	}
	irq_line(VIRTIO_IRQ, 1);
	irq_line(VIRTIO_IRQ, 0);
}

/* One request: a chain of header, data buffers and a status byte. */
struct seg {
	u8 *p;
	u32 len;
	int write;		/* device writes it */
};

static u32 blk_request(struct seg *s, int n)
{
	u32 type, written = 0, len, idlen;
	u64 sector, off, disk_bytes = blk.sectors * 512;
	static const char id[20] = "hv-vmm-disk";
	u8 *status;
	int i, in;

	if (n < 2 || s[0].len < 16 || s[0].write ||
	    !s[n - 1].write || s[n - 1].len < 1)
		return 0;
	type = get32(s[0].p);
	in = type == VIRTIO_BLK_T_IN;
	sector = get32(s[0].p + 8) | (u64)get32(s[0].p + 12) << 32;
	status = s[n - 1].p + s[n - 1].len - 1;
	*status = VIRTIO_BLK_S_OK;
	off = sector * 512;
	/* Data: the buffers between header and status byte. */
	for (i = 1; i < n; i++) {
		len = i == n - 1 ? s[i].len - 1 : s[i].len;
		if (!len)
			continue;
		switch (type) {
		case VIRTIO_BLK_T_IN:
		case VIRTIO_BLK_T_OUT:
			if (sector >= blk.sectors || len > disk_bytes - off ||
			    in != s[i].write ||
			    (type == VIRTIO_BLK_T_OUT && blk.readonly)) {
				*status = VIRTIO_BLK_S_IOERR;
				break;
			}
			if (type == VIRTIO_BLK_T_IN) {
				if (pread(blk.disk, s[i].p, len, off) != (ssize_t)len)
					*status = VIRTIO_BLK_S_IOERR;
				written += len;
			} else if (pwrite(blk.disk, s[i].p, len, off) != (ssize_t)len) {
				*status = VIRTIO_BLK_S_IOERR;
			}
			off += len;
			break;
		case VIRTIO_BLK_T_GET_ID:
			if (!s[i].write) {
				*status = VIRTIO_BLK_S_IOERR;
				break;
			}
			idlen = len < sizeof(id) ? len : sizeof(id);
			memcpy(s[i].p, id, idlen);
			written += idlen;
			break;
		}
	}
	if (type == VIRTIO_BLK_T_FLUSH) {
		if (fdatasync(blk.disk))
			*status = VIRTIO_BLK_S_IOERR;
	} else if (type != VIRTIO_BLK_T_IN && type != VIRTIO_BLK_T_OUT &&
		   type != VIRTIO_BLK_T_GET_ID) {
		*status = VIRTIO_BLK_S_UNSUPP;
	}
	return written + 1;
}

/* Serve every available request; the caller holds blk.lock. */
static void blk_process_queue(void)
{
	u16 qsz = blk.queue_num, avail_idx, head, idx;
	u8 *avail, *used;
	struct virtq_desc *desc;
	struct seg segs[MAX_SEGS];
	int n, done = 0;
	u32 len;

	if (!blk.queue_ready || !(blk.status & 4))	/* DRIVER_OK */
		return;
	desc = gpa(blk.desc, 16ULL * qsz);
	avail = gpa(blk.avail, 6 + 2ULL * qsz);
	used = gpa(blk.used, 6 + 8ULL * qsz);
	if (!desc || !avail || !used) {
		fprintf(stderr, "%s: virtio-blk: queue outside RAM\n", prog);
		blk.status |= 0x40;	/* DEVICE_NEEDS_RESET */
		return;
	}
	for (;;) {
		/* Acquire: the ring entry is read after the index. */
		avail_idx = __atomic_load_n((u16 *)(avail + 2), __ATOMIC_ACQUIRE);
		if (avail_idx == blk.last_avail)
			break;
		head = get16(avail + 4 + 2 * (blk.last_avail % qsz));
		blk.last_avail++;
		len = 0;
		n = 0;
		idx = head;
		while (idx < qsz && n < MAX_SEGS) {
			segs[n].p = gpa(desc[idx].addr, desc[idx].len);
			segs[n].len = desc[idx].len;
			segs[n].write = !!(desc[idx].flags & VIRTQ_DESC_F_WRITE);
			if (!segs[n].p)
				break;
			n++;
			if (!(desc[idx].flags & VIRTQ_DESC_F_NEXT)) {
				len = blk_request(segs, n);
				break;
			}
			idx = desc[idx].next;
		}
		if (!len)
			fprintf(stderr, "%s: virtio-blk: bad chain at %u\n", prog, head);
		put32(used + 4 + 8 * (blk.used_idx % qsz), head);
		put32(used + 8 + 8 * (blk.used_idx % qsz), len);
		blk.used_idx++;
		/* Release: the element is visible before the index moves. */
		__atomic_store_n((u16 *)(used + 2), blk.used_idx, __ATOMIC_RELEASE);
		done = 1;
	}
	if (done)
		blk_interrupt();
}

static void *blk_notify_thread(void *arg)
{
	u64 v;

	for (;;) {
		if (read(blk.notify_fd, &v, 8) != 8 && errno != EINTR)
			fail("ioeventfd read: %s", strerror(errno));
		pthread_mutex_lock(&blk.lock);
		blk_process_queue();
		pthread_mutex_unlock(&blk.lock);
	}
	return arg;
}

static u32 blk_read(u64 off)
{
	u32 v = 0;

	if (off >= VM_CONFIG) {
		off -= VM_CONFIG;
		if (off < sizeof(blk.config))
			memcpy(&v, blk.config + off,
			       sizeof(blk.config) - off < 4 ? sizeof(blk.config) - off : 4);
		return v;
	}
	switch (off) {
	case VM_MAGIC: return VIRTIO_MAGIC;
	case VM_VERSION: return 2;
	case VM_DEVICE_ID: return VIRTIO_ID_BLOCK;
	case VM_VENDOR_ID: return VIRTIO_VENDOR;
	case VM_DEV_FEATURES:
		return blk.dev_features_sel > 1 ? 0 :
		       blk_device_features() >> (32 * blk.dev_features_sel);
	case VM_QUEUE_NUM_MAX:
		return blk.queue_sel ? 0 : QUEUE_SIZE;
	case VM_QUEUE_READY:
		return blk.queue_sel ? 0 : blk.queue_ready;
	case VM_INT_STATUS: return blk.int_status;
	case VM_STATUS: return blk.status;
	case VM_CONFIG_GEN: return 0;
	}
	return 0;
}

/* QueueDesc, QueueDriver, QueueDevice: 64-bit addresses in two halves */
static u64 *blk_queue_addr(u64 off)
{
	switch (off & ~4ULL) {
	case VM_QUEUE_DESC_LO:
		return &blk.desc;
	case VM_QUEUE_DRIVER_LO:
		return &blk.avail;
	case VM_QUEUE_DEVICE_LO:
		return &blk.used;
	}
	return NULL;
}

static void blk_write(u64 off, u32 v)
{
	u64 *a = blk_queue_addr(off);

	if (a) {
		if (blk.queue_sel)	/* only queue 0 exists */
			return;
		if (off & 4)
			*a = (*a & 0xffffffffULL) | (u64)v << 32;
		else
			*a = (*a & ~0xffffffffULL) | v;
		return;
	}
	switch (off) {
	case VM_DEV_FEATURES_SEL:
		blk.dev_features_sel = v;
		break;
	case VM_DRV_FEATURES_SEL:
		blk.drv_features_sel = v;
		break;
	case VM_DRV_FEATURES:
		if (blk.drv_features_sel < 2)
			blk.features = (blk.features &
					~(0xffffffffULL << (32 * blk.drv_features_sel))) |
				       (u64)v << (32 * blk.drv_features_sel);
		break;
	case VM_QUEUE_SEL:
		blk.queue_sel = v;
		break;
	case VM_QUEUE_NUM:
		/* A power of two no larger than QueueNumMax (2.4). */
		if (!blk.queue_sel && v && v <= QUEUE_SIZE && !(v & (v - 1)))
			blk.queue_num = v;
		break;
	case VM_QUEUE_READY:
		if (!blk.queue_sel)
			blk.queue_ready = v & 1;
		break;
	case VM_QUEUE_NOTIFY:	/* reaches here only without ioeventfd */
		if (v == 0)
			blk_process_queue();
		break;
	case VM_INT_ACK:
		blk.int_status &= ~v;
		break;
	case VM_STATUS:
		if (!v)
			blk_reset();
		else
			blk.status = v;
		break;
	}
}

static void blk_init(const char *path, int use_eventfds)
{
	struct hv_ioeventfd ioev = {
		.addr = VIRTIO_BASE + VM_QUEUE_NOTIFY, .len = 4,
		.datamatch = 0, .flags = HV_IOEVENTFD_FLAG_DATAMATCH,
	};
	struct hv_irqfd irqfd = { .gsi = VIRTIO_IRQ };
	pthread_t t;
	struct stat st;
	int fd;

	blk.disk = open(path, O_RDWR | O_CLOEXEC);
	if (blk.disk < 0 && (errno == EACCES || errno == EROFS)) {
		blk.disk = open(path, O_RDONLY | O_CLOEXEC);
		blk.readonly = 1;
	}
	if (blk.disk < 0 || fstat(blk.disk, &st))
		fail("%s: %s", path, strerror(errno));
	blk.sectors = st.st_size / 512;
	put64(blk.config, blk.sectors);		/* capacity */
	put32(blk.config + 12, SEG_MAX);	/* seg_max */
	put32(blk.config + 20, 512);		/* blk_size */
	blk_reset();

	if (!use_eventfds)
		return;
	ioev.fd = eventfd(0, EFD_CLOEXEC);
	if (ioev.fd < 0 || ioctl(vm.fd, HV_IOEVENTFD, &ioev)) {
		fprintf(stderr, "%s: HV_IOEVENTFD: %s; virtio-blk notifies by MMIO exits\n",
			prog, strerror(errno));
		if (ioev.fd >= 0)
			close(ioev.fd);
	} else {
		blk.notify_fd = ioev.fd;
		if (pthread_create(&t, NULL, blk_notify_thread, NULL))
			fail("pthread_create failed");
	}
	fd = eventfd(0, EFD_CLOEXEC);
	irqfd.fd = fd;
	if (fd < 0 || ioctl(vm.fd, HV_IRQFD, &irqfd)) {
		fprintf(stderr, "%s: HV_IRQFD: %s; virtio-blk interrupts by HV_IRQ_LINE\n",
			prog, strerror(errno));
		if (fd >= 0)
			close(fd);
	} else {
		blk.irq_fd = fd;
	}
}

/* ------------------------------------------------------------------
 * ACPI tables (ACPI 6.4, chapter 5): hand-made, and a DSDT in AML
 * (chapter 20) with \_S5 and the virtio-mmio device.
 */
static void acpi_checksum(u8 *p, u32 len, u8 *sum)
{
	u8 s = 0;
	u32 i;

	*sum = 0;
	for (i = 0; i < len; i++)
		s += p[i];
	*sum = -s;
}

/* A System Description Table header (5.2.6); returns the table end. */
static u8 *acpi_header(u8 *p, const char *sig, u32 len, u8 rev)
{
	memcpy(p, sig, 4);
	put32(p + 4, len);
	p[8] = rev;
	memcpy(p + 10, "HVVMM ", 6);
	memcpy(p + 16, "HVVMMTBL", 8);
	put32(p + 24, 1);
	memcpy(p + 28, "HVVM", 4);
	put32(p + 32, 1);
	return p + len;
}

static void acpi_finish(u8 *p)
{
	acpi_checksum(p, get32(p + 4), p + 9);
}

/* AML PkgLength (20.2.4) of a package whose contents take len bytes. */
static int aml_pkglen(u8 *p, u32 len)
{
	if (len + 1 < 0x40) {
		p[0] = len + 1;
		return 1;
	}
	len += 2;
	p[0] = 0x40 | (len & 0xf);
	p[1] = len >> 4;
	return 2;
}

static int aml_name(u8 *p, const char *name)
{
	p[0] = 0x08;		/* NameOp */
	memcpy(p + 1, name, 4);
	return 5;
}

static u32 build_dsdt(u8 *t)
{
	u8 dev[128], crs[32], *p = t + 36;
	int n = 0, c = 0;

	/* Name (_S5, Package () { 5, 5, 0, 0 }): SLP_TYP for soft-off. */
	p += aml_name(p, "_S5_");
	memcpy(p, "\x12\x08\x04\x0a\x05\x0a\x05\x00\x00", 9);
	p += 9;

	/* _CRS: Memory32Fixed (ReadWrite, base, size) and an Interrupt. */
	crs[c++] = 0x86;	/* Memory32Fixed descriptor, 6.4.3.4 */
	put16(crs + c, 9);
	c += 2;
	crs[c++] = 1;		/* read/write */
	put32(crs + c, VIRTIO_BASE);
	put32(crs + c + 4, VIRTIO_SIZE);
	c += 8;
	crs[c++] = 0x89;	/* Extended Interrupt descriptor, 6.4.3.6 */
	put16(crs + c, 6);
	c += 2;
	crs[c++] = 0x03;	/* consumer, edge, active high, exclusive */
	crs[c++] = 1;
	put32(crs + c, VIRTIO_IRQ);
	c += 4;
	crs[c++] = 0x79;	/* End Tag */
	crs[c++] = 0;

	/* Device (VR00) { _HID "LNRO0005", _UID 0, _CRS } */
	n += aml_name(dev + n, "_HID");
	dev[n++] = 0x0d;	/* StringPrefix */
	memcpy(dev + n, "LNRO0005", 9);
	n += 9;
	n += aml_name(dev + n, "_UID");
	dev[n++] = 0x00;	/* ZeroOp */
	n += aml_name(dev + n, "_CRS");
	dev[n++] = 0x11;	/* BufferOp */
	n += aml_pkglen(dev + n, 2 + c);
	dev[n++] = 0x0a;	/* BytePrefix: buffer size */
	dev[n++] = c;
	memcpy(dev + n, crs, c);
	n += c;

	/* Scope (\_SB) { Device (VR00) { ... } } */
	if (blk.disk >= 0) {
		u8 pk[2];
		int dl = aml_pkglen(pk, 4 + n);

		*p++ = 0x10;	/* ScopeOp */
		p += aml_pkglen(p, 5 + 2 + dl + 4 + n);
		memcpy(p, "\\_SB_", 5);
		p += 5;
		*p++ = 0x5b;	/* DeviceOp */
		*p++ = 0x82;
		memcpy(p, pk, dl);
		p += dl;
		memcpy(p, "VR00", 4);
		p += 4;
		memcpy(p, dev, n);
		p += n;
	}
	acpi_header(t, "DSDT", p - t, 2);
	acpi_finish(t);
	return p - t;
}

static void build_acpi(void)
{
	u8 *base = gpa(ACPI_ADDR, 0x10000), *rsdp = base, *xsdt, *fadt;
	u8 *facs, *dsdt, *madt, *p;
	u64 a = ACPI_ADDR;
	int i;

	if (!base)
		fail("no RAM for the ACPI tables");
#define ADDR(ptr)	((u32)(a + ((ptr) - base)))
	xsdt = base + 0x40;
	facs = base + 0x80;		/* 64-byte aligned */
	fadt = base + 0x100;
	madt = base + 0x300;
	dsdt = base + 0x1000;

	/* RSDP (5.2.5.3), revision 2 */
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, "HVVMM ", 6);
	rsdp[15] = 2;
	put32(rsdp + 20, 36);
	put64(rsdp + 24, ADDR(xsdt));
	acpi_checksum(rsdp, 20, rsdp + 8);
	acpi_checksum(rsdp, 36, rsdp + 32);

	/* XSDT (5.2.8): the FADT and the MADT */
	acpi_header(xsdt, "XSDT", 36 + 16, 1);
	put64(xsdt + 36, ADDR(fadt));
	put64(xsdt + 44, ADDR(madt));
	acpi_finish(xsdt);

	/* FACS (5.2.10) */
	memcpy(facs, "FACS", 4);
	put32(facs + 4, 64);
	facs[32] = 2;			/* version */

	/* DSDT */
	build_dsdt(dsdt);

	/*
	 * FADT (5.2.9), revision 6: full (not hardware-reduced) ACPI, so
	 * Linux keeps the PIT and the 8259s; the PM1a blocks are ours, ACPI
	 * is always enabled (SMI_CMD 0), no PM timer, no GPEs.
	 */
	acpi_header(fadt, "FACP", 276, 6);
	put32(fadt + 36, ADDR(facs));
	put32(fadt + 40, ADDR(dsdt));
	put16(fadt + 46, SCI_IRQ);
	put32(fadt + 56, PM1A_EVT);
	put32(fadt + 64, PM1A_CNT);
	put32(fadt + 76, PM_TMR);
	fadt[88] = 4;			/* PM1_EVT_LEN */
	fadt[89] = 2;			/* PM1_CNT_LEN */
	fadt[91] = 4;			/* PM_TMR_LEN */
	put16(fadt + 96, 101);		/* P_LVL2_LAT > 100: no C2 */
	put16(fadt + 98, 1001);		/* P_LVL3_LAT > 1000: no C3 */
	fadt[108] = 0x32;		/* CENTURY: CMOS index */
	put16(fadt + 109, 1);		/* IAPC_BOOT_ARCH: LEGACY_DEVICES, no 8042 */
	/* WBINVD, PROC_C1, no power/sleep button, TMR_VAL_EXT, RESET_REG_SUP */
	put32(fadt + 112, (1 << 0) | (1 << 2) | (1 << 4) | (1 << 5) | (1 << 8) |
		(1 << 10));
	fadt[116] = 1;			/* RESET_REG: system I/O, */
	fadt[117] = 8;			/* 8 bits, */
	fadt[119] = 1;			/* byte access, */
	put64(fadt + 120, 0xcf9);	/* port 0xcf9 */
	fadt[128] = 0x06;		/* RESET_VALUE */
	put64(fadt + 140, ADDR(dsdt));	/* X_DSDT */
	acpi_finish(fadt);

	/* MADT (5.2.12) */
	p = madt + 44;
	for (i = 0; i < vm.ncpus; i++) {
		p[0] = 0;		/* Processor Local APIC */
		p[1] = 8;
		p[2] = i;		/* ACPI processor UID */
		p[3] = i;		/* APIC ID */
		put32(p + 4, 1);	/* enabled */
		p += 8;
	}
	p[0] = 1;			/* I/O APIC, after the LAPIC ids */
	p[1] = 12;
	p[2] = vm.ncpus;
	put32(p + 4, IOAPIC_BASE);
	put32(p + 8, 0);		/* GSI base */
	p += 12;
	/*
	 * ISA IRQs are GSIs of the same number: the in-kernel PIT raises
	 * GSI 0, which the default routing sends to IOAPIC pin 0 (no
	 * "IRQ 0 is GSI 2" override as on PC firmware).  Only the SCI is
	 * overridden: level, active high.
	 */
	p[0] = 2;			/* Interrupt Source Override */
	p[1] = 10;
	p[3] = SCI_IRQ;
	put32(p + 4, SCI_IRQ);
	put16(p + 8, 0x0d);
	p += 10;
	p[0] = 4;			/* Local APIC NMI: all CPUs, LINT1 */
	p[1] = 6;
	p[2] = 0xff;
	p[5] = 1;
	p += 6;
	acpi_header(madt, "APIC", p - madt, 5);
	put32(madt + 36, LAPIC_BASE);
	put32(madt + 40, 1);		/* PCAT_COMPAT: 8259s present */
	acpi_finish(madt);
#undef ADDR
}

/* ------------------------------------------------------------------
 * Port I/O and MMIO exits
 */
static u16 pm1_enable;

/*
 * The ACPI PM timer (ACPI 6.4, 4.8.3.3): host monotonic time.  Without
 * kvmclock it is Linux's reference for calibrating the TSC and APIC timer.
 */
static u32 pm_timer(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec * PM_TMR_HZ + now.tv_nsec * PM_TMR_HZ / 1000000000;
}

static u32 pio_in(u16 port, int size)
{
	u32 v = 0xffffffff >> (32 - 8 * size);

	if (port >= COM1_PORT && port < COM1_PORT + 8) {
		pthread_mutex_lock(&uart.lock);
		v = uart_in(port - COM1_PORT);
		pthread_mutex_unlock(&uart.lock);
	} else if (port == 0x71) {
		v = cmos_read();
	} else if (port == PM1A_EVT) {
		v = 0;				/* no event pending */
	} else if (port == PM1A_EVT + 2) {
		v = pm1_enable;
	} else if (port == PM1A_CNT) {
		v = 1;				/* SCI_EN: ACPI mode */
	} else if (port == PM_TMR && size == 4) {
		v = pm_timer();
	} else if (verbose) {
		fprintf(stderr, "%s: in%c 0x%x\n", prog, "bw?l"[size - 1], port);
	}
	return v;
}

static void pio_out(u16 port, int size, u32 v)
{
	char why[32];

	if (port >= COM1_PORT && port < COM1_PORT + 8) {
		pthread_mutex_lock(&uart.lock);
		uart_out(port - COM1_PORT, v);
		pthread_mutex_unlock(&uart.lock);
	} else if (port == EXIT_PORT) {
		snprintf(why, sizeof(why), "guest wrote 0x%x to port 0x%x", v, port);
		guest_exit(v & 0xff, why);
	} else if (port == MARK_PORT) {
		fprintf(stderr, "%s: mark %u at %.2f s\n", prog, v, elapsed());
	} else if (port == 0x70) {
		cmos_index = v;
	} else if (port == PM1A_EVT + 2) {
		pm1_enable = v;
	} else if (port == PM1A_CNT && size == 2 && (v & (1 << 13))) {
		/* SLP_EN with SLP_TYP (bits 12:10) = \_S5 */
		if (((v >> 10) & 7) == S5_SLP_TYP)
			guest_exit(0, "guest powered off (ACPI S5)");
		guest_exit(1, "guest entered an unsupported sleep state");
	} else if ((port == 0xcf9 && (v & 4)) || (port == 0x64 && v == 0xfe)) {
		guest_exit(1, "guest reset the machine");
	} else if (verbose && port != 0x80) {
		fprintf(stderr, "%s: out%c 0x%x, 0x%x\n", prog, "bw?l"[size - 1],
			port, v);
	}
}

static void handle_io(struct hv_run *run)
{
	u8 *data = (u8 *)run + run->io.data_offset;
	u32 i, v;

	for (i = 0; i < run->io.count; i++, data += run->io.size) {
		if (run->io.direction == HV_EXIT_IO_OUT) {
			v = 0;
			memcpy(&v, data, run->io.size);
			pio_out(run->io.port, run->io.size, v);
		} else {
			v = pio_in(run->io.port, run->io.size);
			memcpy(data, &v, run->io.size);
		}
	}
}

static void handle_mmio(struct hv_run *run)
{
	u64 addr = run->mmio.phys_addr;
	u32 v = 0, len = run->mmio.len;

	if (blk.disk >= 0 && addr >= VIRTIO_BASE &&
	    addr < VIRTIO_BASE + VIRTIO_SIZE && len <= 4) {
		pthread_mutex_lock(&blk.lock);
		if (run->mmio.is_write) {
			memcpy(&v, run->mmio.data, len);
			blk_write(addr - VIRTIO_BASE, v);
		} else {
			v = blk_read(addr - VIRTIO_BASE);
			memcpy(run->mmio.data, &v, len);
		}
		pthread_mutex_unlock(&blk.lock);
		return;
	}
	if (!run->mmio.is_write)
		memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
	if (verbose)
		fprintf(stderr, "%s: unhandled mmio %s 0x%llx/%u\n", prog,
			run->mmio.is_write ? "write" : "read",
			(unsigned long long)addr, len);
}

/* ------------------------------------------------------------------
 * vCPUs
 */
struct vcpu {
	int id, fd;
	struct hv_run *run;
	pthread_t thread;
};

static struct hv_cpuid2 *supported_cpuid(int dev)
{
	struct hv_cpuid2 *c;
	int nent = 64;

	for (;;) {
		c = calloc(1, sizeof(*c) + nent * sizeof(c->entries[0]));
		if (!c)
			fail("out of memory");
		c->nent = nent;
		if (!ioctl(dev, HV_GET_SUPPORTED_CPUID, c))
			return c;
		if (errno != E2BIG)
			fail("HV_GET_SUPPORTED_CPUID: %s", strerror(errno));
		free(c);
		nent *= 2;
	}
}

static void setup_cpuid(struct vcpu *v, const struct hv_cpuid2 *sup,
			int tsc_deadline)
{
	size_t sz = sizeof(*sup) + sup->nent * sizeof(sup->entries[0]);
	struct hv_cpuid2 *c = malloc(sz);
	struct hv_cpuid_entry2 *e;
	u32 i;

	if (!c)
		fail("out of memory");
	memcpy(c, sup, sz);
	for (i = 0; i < c->nent; i++) {
		e = &c->entries[i];
		switch (e->function) {
		case 1:
			/* initial APIC id in EBX[31:24]; ECX[31]: a hypervisor */
			e->ebx = (e->ebx & 0x00ffffff) | (u32)v->id << 24;
			e->ecx |= 1U << 31;
			if (tsc_deadline)	/* ECX[24]: TSC-deadline timer */
				e->ecx |= 1U << 24;
			break;
		case 0xd:
			/*
			 * EBX of subleaf 0 is the XSAVE size for the XCR0 in
			 * force; KVM reports that of XCR0 = x87|SSE and may
			 * not update it when the guest sets XCR0.  Report the
			 * size for everything offered (ECX), as Linux enables
			 * all of it.
			 */
			if (e->index == 0)
				e->ebx = e->ecx;
			break;
		case 0xb:	/* x2APIC id in EDX of every topology level */
		case 0x1f:
			e->edx = v->id;
			break;
		case 0x8000001e:	/* AMD extended APIC id */
			e->eax = v->id;
			break;
		}
	}
	if (ioctl(v->fd, HV_SET_CPUID2, c))
		fail("vCPU %d: HV_SET_CPUID2: %s", v->id, strerror(errno));
	free(c);
}

static void setup_msrs(struct vcpu *v)
{
	static const u32 idx[] = {
		0x174, 0x175, 0x176,		/* SYSENTER_CS/ESP/EIP */
		0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, /* STAR.. */
		0xc0000102,			/* KERNEL_GS_BASE */
		0x1a0,				/* MISC_ENABLE */
	};
	struct {
		struct hv_msrs h;
		struct hv_msr_entry e[ARRAY_SIZE(idx)];
	} m = { .h.nmsrs = ARRAY_SIZE(idx) };
	int i, r;

	for (i = 0; i < (int)ARRAY_SIZE(idx); i++)
		m.e[i].index = idx[i];
	m.e[ARRAY_SIZE(idx) - 1].data = 1;	/* fast strings */
	r = ioctl(v->fd, HV_SET_MSRS, &m);
	if (r != (int)ARRAY_SIZE(idx))
		fprintf(stderr, "%s: vCPU %d: HV_SET_MSRS set %d of %zu (stopped at 0x%x)\n",
			prog, v->id, r, ARRAY_SIZE(idx), r >= 0 && r < (int)ARRAY_SIZE(idx) ?
			idx[r] : 0);
}

/* LINT0 delivers the 8259's ExtINT, LINT1 NMI (MP spec 1.4, 5.1). */
static void setup_lapic(struct vcpu *v)
{
	struct hv_lapic_state l;

	if (ioctl(v->fd, HV_GET_LAPIC, &l))
		fail("vCPU %d: HV_GET_LAPIC: %s", v->id, strerror(errno));
	put32((u8 *)l.regs + 0x350, 0x700);	/* LVT LINT0: ExtINT */
	put32((u8 *)l.regs + 0x360, 0x400);	/* LVT LINT1: NMI */
	if (ioctl(v->fd, HV_SET_LAPIC, &l))
		fail("vCPU %d: HV_SET_LAPIC: %s", v->id, strerror(errno));
}

static void set_seg(struct hv_segment *s, u16 sel, u8 type, int l)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->limit = 0xffffffff;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->g = 1;
	s->l = l;
	s->db = !l;
}

/* boot.rst "64-bit BOOT PROTOCOL": long mode, paging on, flat segments. */
static void setup_bsp(struct vcpu *v)
{
	struct hv_sregs sregs;
	struct hv_regs regs;
	struct hv_fpu fpu;

	if (ioctl(v->fd, HV_GET_SREGS, &sregs))
		fail("HV_GET_SREGS: %s", strerror(errno));
	set_seg(&sregs.cs, 0x10, 0xb, 1);	/* execute/read, accessed */
	set_seg(&sregs.ds, 0x18, 0x3, 0);	/* read/write, accessed */
	sregs.es = sregs.ds;
	sregs.fs = sregs.ds;
	sregs.gs = sregs.ds;
	sregs.ss = sregs.ds;
	sregs.gdt.base = GDT_ADDR;
	sregs.gdt.limit = 4 * 8 - 1;
	sregs.cr0 = 0x80050033;		/* PG, AM, WP, NE, ET, MP, PE */
	sregs.cr3 = PML4_ADDR;
	sregs.cr4 = 0x20;		/* PAE */
	sregs.efer = 0x500;		/* LMA, LME */
	if (ioctl(v->fd, HV_SET_SREGS, &sregs))
		fail("HV_SET_SREGS: %s", strerror(errno));

	memset(&regs, 0, sizeof(regs));
	regs.rip = KERNEL_ADDR + 0x200;	/* startup_64 */
	regs.rsi = ZERO_PAGE;
	regs.rflags = 2;
	if (ioctl(v->fd, HV_SET_REGS, &regs))
		fail("HV_SET_REGS: %s", strerror(errno));

	memset(&fpu, 0, sizeof(fpu));
	fpu.fcw = 0x37f;
	fpu.mxcsr = 0x1f80;
	if (ioctl(v->fd, HV_SET_FPU, &fpu))
		fail("HV_SET_FPU: %s", strerror(errno));
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct hv_run *run = v->run;
	char why[96];

	for (;;) {
		if (ioctl(v->fd, HV_RUN, 0)) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			fail("vCPU %d: HV_RUN: %s", v->id, strerror(errno));
		}
		switch (run->exit_reason) {
		case HV_EXIT_IO:
			handle_io(run);
			break;
		case HV_EXIT_MMIO:
			handle_mmio(run);
			break;
		case HV_EXIT_SHUTDOWN:
			snprintf(why, sizeof(why), "vCPU %d: shutdown (triple fault)", v->id);
			guest_exit(1, why);
			break;
		case HV_EXIT_SYSTEM_EVENT:
			if (run->system_event.type == HV_SYSTEM_EVENT_SHUTDOWN)
				guest_exit(0, "guest powered off (system event)");
			snprintf(why, sizeof(why), "vCPU %d: system event %u", v->id,
				 run->system_event.type);
			guest_exit(1, why);
			break;
		case HV_EXIT_HLT:
			/* Only without an in-kernel LAPIC. */
			guest_exit(1, "guest halted");
			break;
		case HV_EXIT_FAIL_ENTRY:
			fail("vCPU %d: entry failed, hardware reason 0x%llx", v->id,
			     (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
			break;
		case HV_EXIT_INTERNAL_ERROR:
			fail("vCPU %d: internal error, suberror %u", v->id,
			     run->internal.suberror);
			break;
		default:
			fail("vCPU %d: unexpected exit reason %u", v->id,
			     run->exit_reason);
		}
	}
	return NULL;
}

/* ------------------------------------------------------------------
 * Loading the kernel, boot.rst
 */
static u8 *read_file(const char *path, size_t *size)
{
	struct stat st;
	u8 *buf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st))
		fail("%s: %s", path, strerror(errno));
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf)
		fail("%s: out of memory", path);
	if (read(fd, buf, st.st_size) != st.st_size)
		fail("%s: short read", path);
	close(fd);
	*size = st.st_size;
	return buf;
}

/* Is k a bzImage this VMM can boot (boot.rst, "The Real-Mode Kernel Header")? */
static void check_kernel(const char *kernel, const u8 *k, size_t ksize)
{
	u16 version;

	if (ksize < 0x1000 || get16(k + 0x1fe) != 0xaa55 ||
	    memcmp(k + HDR_MAGIC, "HdrS", 4))
		fail("%s: not a bzImage (no Linux boot protocol header)", kernel);
	version = get16(k + HDR_VERSION);
	if (version < 0x206)
		fail("%s: boot protocol %u.%02u, need 2.06 or later", kernel,
		     version >> 8, version & 0xff);
	if (!(get16(k + HDR_XLOADFLAGS) & XLF_KERNEL_64))
		fail("%s: no 64-bit entry point (XLF_KERNEL_64 clear)", kernel);
	if ((size_t)(k[HDR_SETUP_SECTS] + 1) * 512 >= ksize)
		fail("%s: truncated bzImage", kernel);
}

static void load_linux(u8 *k, size_t ksize, const char *initrd,
		       const char *cmdline)
{
	u8 *bp = gpa(ZERO_PAGE, 4096), *rd = NULL, *p;
	size_t rdsize = 0, setup, cmdmax;
	u64 rd_addr = 0, rd_max, end, init_size;
	int i, n;

	setup = (k[HDR_SETUP_SECTS] ? k[HDR_SETUP_SECTS] : 4) + 1;
	setup *= 512;

	init_size = get32(k + HDR_INIT_SIZE);
	end = KERNEL_ADDR + (init_size > ksize - setup ? init_size : ksize - setup);
	if (end > vm.mem_size)
		fail("--mem %llu MiB is too small for this kernel (needs %llu MiB)",
		     (unsigned long long)(vm.mem_size / MIB),
		     (unsigned long long)(end / MIB + 1));
	memcpy(gpa(KERNEL_ADDR, ksize - setup), k + setup, ksize - setup);

	/* The zero page: the setup header as the file has it, then ours. */
	memset(bp, 0, 4096);
	memcpy(bp + BP_HDR, k + BP_HDR, HDR_JUMP + 2 + k[HDR_JUMP + 1] - BP_HDR);
	bp[HDR_TYPE_OF_LOADER] = 0xff;	/* undefined loader */
	bp[HDR_LOADFLAGS] |= LOADFLAGS_CAN_USE_HEAP;
	put16(bp + HDR_HEAP_END_PTR, 0xfe00);

	cmdmax = get32(k + HDR_CMDLINE_SIZE);
	if (strlen(cmdline) > cmdmax)
		fail("kernel command line longer than the kernel's %zu bytes", cmdmax);
	strcpy(gpa(CMDLINE_ADDR, strlen(cmdline) + 1), cmdline);
	put32(bp + HDR_CMD_LINE_PTR, CMDLINE_ADDR);

	if (initrd) {
		rd = read_file(initrd, &rdsize);
		rd_max = get32(k + HDR_INITRD_ADDR_MAX);
		if (!rd_max)
			rd_max = 0x37ffffff;
		rd_addr = (vm.mem_size < rd_max + 1 ? vm.mem_size : rd_max + 1);
		rd_addr = rdsize > rd_addr ? 0 : (rd_addr - rdsize) & ~0xfffULL;
		if (rd_addr < end)
			fail("--mem %llu MiB is too small for kernel and initrd (%zu MiB)",
			     (unsigned long long)(vm.mem_size / MIB),
			     (size_t)(rdsize / MIB + 1));
		memcpy(gpa(rd_addr, rdsize), rd, rdsize);
		put32(bp + HDR_RAMDISK_IMAGE, rd_addr);
		put32(bp + HDR_RAMDISK_SIZE, rdsize);
		free(rd);
	}
	free(k);

	/* e820: low RAM, EBDA + ROM area (ACPI tables) reserved, high RAM */
	{
		const u64 map[][3] = {
			{ 0, EBDA_START, E820_RAM },
			{ EBDA_START, 0x100000 - EBDA_START, E820_RESERVED },
			{ KERNEL_ADDR, vm.mem_size - KERNEL_ADDR, E820_RAM },
		};

		n = ARRAY_SIZE(map);
		for (i = 0; i < n; i++) {
			p = bp + BP_E820_TABLE + 20 * i;
			put64(p, map[i][0]);
			put64(p + 8, map[i][1]);
			put32(p + 16, map[i][2]);
		}
		bp[BP_E820_ENTRIES] = n;
	}

	/* GDT: null, null, __BOOT_CS 0x10 (64-bit code), __BOOT_DS 0x18 */
	p = gpa(GDT_ADDR, 32);
	put64(p + 0x10, 0x00af9b000000ffffULL);
	put64(p + 0x18, 0x00cf93000000ffffULL);

	/* Identity map of the first 4 GiB with 2 MiB pages. */
	p = gpa(PML4_ADDR, 6 * 4096);
	memset(p, 0, 6 * 4096);
	put64(p, (PML4_ADDR + 0x1000) | 3);		/* present, writable */
	for (i = 0; i < 4; i++)
		put64(p + 0x1000 + 8 * i, (PML4_ADDR + 0x2000 + 0x1000 * i) | 3);
	for (i = 0; i < 4 * 512; i++)
		put64(p + 0x2000 + 8 * i, ((u64)i << 21) | 0x83);	/* PS */
}

/* ------------------------------------------------------------------ */
static void print_usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: %s --kernel BZIMAGE [options]\n"
		"Boot an x86-64 Linux bzImage in a VM on hv (or KVM).\n"
		"  --kernel FILE   bzImage (boot protocol 2.06+, 64-bit entry)\n"
		"  --initrd FILE   initramfs\n"
		"  --disk FILE     virtio-mmio block device backed by FILE (read-only if\n"
		"                  FILE cannot be opened for writing)\n"
		"  --append ARGS   more kernel command line\n"
		"  --cpus N        vCPUs (default 1)\n"
		"  --mem MIB       guest RAM in MiB (default 256, %d to %d)\n"
		"  --dev PATH      hypervisor device (default /dev/hv; /dev/kvm works too)\n"
		"  --no-eventfd    virtio-blk by MMIO exits and HV_IRQ_LINE, not\n"
		"                  ioeventfd and irqfd (the fallback, for testing)\n"
		"  -v              log unhandled port and MMIO accesses\n"
		"Guest side: console on ttyS0 (0x3f8, IRQ 4); virtio-mmio at 0x%llx, GSI %d.\n"
		"Exit status: a guest write of V to port 0x%x exits with status V & 0xff;\n"
		"ACPI power-off (poweroff -f) exits 0; reset, triple fault or another\n"
		"system event exits 1; a VMM error exits 2.  A write to port 0x%x prints\n"
		"the time since start on stderr (for measuring boot time).\n",
		prog, MEM_MIN_MIB, MEM_MAX_MIB, VIRTIO_BASE, VIRTIO_IRQ,
		EXIT_PORT, MARK_PORT);
	exit(status);
}

int main(int argc, char **argv)
{
	const char *dev_path = "/dev/hv", *kernel = NULL, *initrd = NULL;
	const char *disk = NULL, *append = "";
	struct hv_userspace_memory_region region = { 0 };
	struct hv_pit_config pit = { .flags = HV_PIT_SPEAKER_DUMMY };
	unsigned long mem_mib = 256;
	struct hv_cpuid2 *cpuid;
	char cmdline[4096];
	struct vcpu *vcpus;
	int dev, i, r, tsc_deadline, use_eventfds = 1;
	size_t ksize;
	u8 *kimage;

	clock_gettime(CLOCK_MONOTONIC, &start_time);
	vm.ncpus = 1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			print_usage(0);
		if (!strcmp(a, "-v")) {
			verbose = 1;
			continue;
		}
		if (!strcmp(a, "--no-eventfd")) {
			use_eventfds = 0;
			continue;
		}
		if (!val)
			print_usage(2);
		i++;
		if (!strcmp(a, "--kernel"))
			kernel = val;
		else if (!strcmp(a, "--initrd"))
			initrd = val;
		else if (!strcmp(a, "--disk"))
			disk = val;
		else if (!strcmp(a, "--append"))
			append = val;
		else if (!strcmp(a, "--dev"))
			dev_path = val;
		else if (!strcmp(a, "--cpus"))
			vm.ncpus = atoi(val);
		else if (!strcmp(a, "--mem"))
			mem_mib = strtoul(val, NULL, 0);
		else
			print_usage(2);
	}
	if (!kernel)
		print_usage(2);
	if (mem_mib < MEM_MIN_MIB || mem_mib > MEM_MAX_MIB)
		fail("--mem %lu: need %d to %d MiB", mem_mib, MEM_MIN_MIB, MEM_MAX_MIB);
	if (vm.ncpus < 1 || vm.ncpus > 64)
		fail("--cpus %d: need 1 to 64", vm.ncpus);
	kimage = read_file(kernel, &ksize);
	check_kernel(kernel, kimage, ksize);
	if (initrd && access(initrd, R_OK))
		fail("initrd %s: %s", initrd, strerror(errno));

	dev = open(dev_path, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		fail("open %s: %s - is %s loaded?", dev_path, strerror(errno),
		     strstr(dev_path, "kvm") ? "kvm" : "hv.ko");
	r = ioctl(dev, HV_GET_API_VERSION, 0);
	if (r != HV_API_VERSION)
		fail("%s: API version %d, need %d", dev_path, r, HV_API_VERSION);
	vm.fd = ioctl(dev, HV_CREATE_VM, 0);
	if (vm.fd < 0)
		fail("HV_CREATE_VM: %s", strerror(errno));

	vm.mem_size = mem_mib * MIB;
	vm.mem = mmap(NULL, vm.mem_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm.mem == MAP_FAILED)
		fail("mmap %lu MiB: %s", mem_mib, strerror(errno));
	madvise(vm.mem, vm.mem_size, MADV_HUGEPAGE);
	region.memory_size = vm.mem_size;
	region.userspace_addr = (unsigned long)vm.mem;
	if (ioctl(vm.fd, HV_SET_USER_MEMORY_REGION, &region))
		fail("HV_SET_USER_MEMORY_REGION: %s", strerror(errno));

	/* The TSS address matters to VMX only; a page below 4 GiB, not RAM. */
	if (ioctl(vm.fd, HV_SET_TSS_ADDR, 0xfffbd000UL))
		fail("HV_SET_TSS_ADDR: %s", strerror(errno));
	if (ioctl(vm.fd, HV_CREATE_IRQCHIP, 0))
		fail("HV_CREATE_IRQCHIP: %s", strerror(errno));
	if (ioctl(vm.fd, HV_CREATE_PIT2, &pit))
		fail("HV_CREATE_PIT2: %s", strerror(errno));

	if (disk)
		blk_init(disk, use_eventfds);
	snprintf(cmdline, sizeof(cmdline), "console=ttyS0 panic=-1 %s", append);
	load_linux(kimage, ksize, initrd, cmdline);
	build_acpi();

	vm.run_size = ioctl(dev, HV_GET_VCPU_MMAP_SIZE, 0);
	if (vm.run_size <= 0)
		fail("HV_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
	cpuid = supported_cpuid(dev);
	tsc_deadline = ioctl(vm.fd, HV_CHECK_EXTENSION, HV_CAP_TSC_DEADLINE_TIMER) > 0;
	vcpus = calloc(vm.ncpus, sizeof(*vcpus));
	if (!vcpus)
		fail("out of memory");
	for (i = 0; i < vm.ncpus; i++) {
		struct vcpu *v = &vcpus[i];

		v->id = i;
		v->fd = ioctl(vm.fd, HV_CREATE_VCPU, i);
		if (v->fd < 0)
			fail("HV_CREATE_VCPU %d: %s", i, strerror(errno));
		v->run = mmap(NULL, vm.run_size, PROT_READ | PROT_WRITE,
			      MAP_SHARED, v->fd, 0);
		if (v->run == MAP_FAILED)
			fail("mmap vCPU %d: %s", i, strerror(errno));
		setup_cpuid(v, cpuid, tsc_deadline);
		setup_msrs(v);
		setup_lapic(v);
		/* The APs wait for INIT/SIPI in the kernel's LAPIC. */
		if (i == 0)
			setup_bsp(v);
	}
	fprintf(stderr, "%s: %d vCPUs, %lu MiB, %s%s; setup took %.2f s\n", prog,
		vm.ncpus, mem_mib, dev_path,
		!disk ? "" : blk.notify_fd >= 0 && blk.irq_fd >= 0 ?
		", virtio-blk with ioeventfd+irqfd" : ", virtio-blk by exits",
		elapsed());
	for (i = 0; i < vm.ncpus; i++)
		if (pthread_create(&vcpus[i].thread, NULL, vcpu_thread, &vcpus[i]))
			fail("pthread_create failed");
	pthread_join(vcpus[0].thread, NULL);
	return 0;
}
