// SPDX-License-Identifier: GPL-2.0-only
/*
 * HV_IOEVENTFD: a guest write to a port or a guest physical address
 * signals an eventfd instead of exiting to userspace.
 *   - ioctl validation with KVM's errno: lengths other than 0/1/2/4/8,
 *     unknown flags, a range wrapping around, no length with DATAMATCH
 *     (EINVAL), a bad or non-eventfd fd (EBADF, EINVAL), an overlapping
 *     registration (EEXIST), DEASSIGN of what is not assigned (ENOENT);
 *   - PIO and MMIO: wildcard and DATAMATCH ioeventfds count exactly the
 *     matching writes, the guest does not exit for them, and every other
 *     write (another value, another length, another address) exits;
 *   - length 0 matches a write of any size at the address;
 *   - after DEASSIGN the write exits again.
 */
#include <sys/eventfd.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/processor.h"

#define PORT_ANY	0xe0	/* wildcard, 2 bytes */
#define PORT_MATCH	0xe4	/* DATAMATCH 0x1234, 4 bytes */
#define MMIO_ANY	(HV_MMIO_GPA + 0x1000)	/* wildcard, 4 bytes */
#define MMIO_MATCH	(HV_MMIO_GPA + 0x2000)	/* DATAMATCH, 8 bytes */
#define MMIO_NOLEN	(HV_MMIO_GPA + 0x3000)	/* length 0 */
#define MATCH64		0x0123456789abcdefULL

static int new_eventfd(void)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	TEST_ASSERT(fd >= 0, "eventfd");
	return fd;
}

/* The eventfd's count (0 if never signalled); reading resets it. */
static u64 eventfd_count(int fd)
{
	u64 v = 0;

	if (read(fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

static int __ioeventfd(struct hv_vm *vm, u64 addr, u32 len, int fd, u32 flags,
		       u64 datamatch)
{
	struct hv_ioeventfd args = {
		.datamatch = datamatch,
		.addr = addr,
		.len = len,
		.fd = fd,
		.flags = flags,
	};

	return __vm_ioctl(vm, HV_IOEVENTFD, &args);
}

TEST(assign_errnos)
{
	int efd, efd2, pipefd[2];
	struct hv_vm *vm;

	HV_REQUIRE(return, HV_CAP_IOEVENTFD);
	vm = hv_vm_create_bare();
	efd = new_eventfd();
	efd2 = new_eventfd();
	ASSERT_EQ(0, pipe(pipefd));

	EXPECT_EQ(-EINVAL, __ioeventfd(vm, 0x1000, 3, efd, 0, 0));
	EXPECT_EQ(-EINVAL, __ioeventfd(vm, 0x1000, 16, efd, 0, 0));
	EXPECT_EQ(-EINVAL, __ioeventfd(vm, 0x1000, 4, efd, 1 << 5, 0));
	EXPECT_EQ(-EINVAL, __ioeventfd(vm, ~0ULL - 1, 4, efd, 0, 0));
	EXPECT_EQ(-EINVAL, __ioeventfd(vm, 0x1000, 0, efd,
				       HV_IOEVENTFD_FLAG_DATAMATCH, 0));
	/* Validation comes before the fd is looked at. */
	EXPECT_EQ(-EINVAL, __ioeventfd(vm, 0x1000, 3, -1, 0, 0));
	EXPECT_EQ(-EBADF, __ioeventfd(vm, 0x1000, 4, -1, 0, 0));
	EXPECT_EQ(-EINVAL, __ioeventfd(vm, 0x1000, 4, pipefd[0], 0, 0));

	/* Overlaps on one bus and address. */
	EXPECT_EQ(0, __ioeventfd(vm, 0x1000, 4, efd, 0, 0));
	EXPECT_EQ(-EEXIST, __ioeventfd(vm, 0x1000, 4, efd2, 0, 0));
	EXPECT_EQ(-EEXIST, __ioeventfd(vm, 0x1000, 4, efd2,
				       HV_IOEVENTFD_FLAG_DATAMATCH, 5));
	EXPECT_EQ(-EEXIST, __ioeventfd(vm, 0x1000, 0, efd2, 0, 0));
	/* Another length, the PIO bus, another address: no overlap. */
	EXPECT_EQ(0, __ioeventfd(vm, 0x1000, 2, efd2, 0, 0));
	EXPECT_EQ(0, __ioeventfd(vm, 0x1000, 4, efd2,
				 HV_IOEVENTFD_FLAG_PIO, 0));
	EXPECT_EQ(0, __ioeventfd(vm, 0x1004, 4, efd, 0, 0));
	/* Distinct values of DATAMATCH coexist, a repeated one does not. */
	EXPECT_EQ(0, __ioeventfd(vm, 0x2000, 4, efd,
				 HV_IOEVENTFD_FLAG_DATAMATCH, 1));
	EXPECT_EQ(0, __ioeventfd(vm, 0x2000, 4, efd2,
				 HV_IOEVENTFD_FLAG_DATAMATCH, 2));
	EXPECT_EQ(-EEXIST, __ioeventfd(vm, 0x2000, 4, efd2,
				       HV_IOEVENTFD_FLAG_DATAMATCH, 1));
	EXPECT_EQ(-EEXIST, __ioeventfd(vm, 0x2000, 4, efd2, 0, 0));
	/* Length 0 (any length) overlaps every length. */
	EXPECT_EQ(0, __ioeventfd(vm, 0x3000, 0, efd, 0, 0));
	EXPECT_EQ(-EEXIST, __ioeventfd(vm, 0x3000, 8, efd2, 0, 0));
	EXPECT_EQ(-EEXIST, __ioeventfd(vm, 0x3000, 1, efd2,
				       HV_IOEVENTFD_FLAG_DATAMATCH, 0));

	close(pipefd[0]);
	close(pipefd[1]);
	close(efd);
	close(efd2);
	hv_vm_free(vm);
}

TEST(deassign_errnos)
{
	u32 de = HV_IOEVENTFD_FLAG_DEASSIGN;
	u32 dm = HV_IOEVENTFD_FLAG_DATAMATCH;
	struct hv_vm *vm;
	int efd, efd2;

	HV_REQUIRE(return, HV_CAP_IOEVENTFD);
	vm = hv_vm_create_bare();
	efd = new_eventfd();
	efd2 = new_eventfd();

	EXPECT_EQ(-EBADF, __ioeventfd(vm, 0x1000, 4, -1, de, 0));
	EXPECT_EQ(-ENOENT, __ioeventfd(vm, 0x1000, 4, efd, de, 0));

	ASSERT_EQ(0, __ioeventfd(vm, 0x1000, 4, efd, dm, 7));
	/* Only the exact registration goes: fd, bus, length, data. */
	EXPECT_EQ(-ENOENT, __ioeventfd(vm, 0x1000, 4, efd2, de | dm, 7));
	EXPECT_EQ(-ENOENT, __ioeventfd(vm, 0x1000, 4, efd,
				       de | dm | HV_IOEVENTFD_FLAG_PIO, 7));
	EXPECT_EQ(-ENOENT, __ioeventfd(vm, 0x1000, 2, efd, de | dm, 7));
	EXPECT_EQ(-ENOENT, __ioeventfd(vm, 0x1000, 4, efd, de | dm, 8));
	EXPECT_EQ(-ENOENT, __ioeventfd(vm, 0x1000, 4, efd, de, 0));
	EXPECT_EQ(0, __ioeventfd(vm, 0x1000, 4, efd, de | dm, 7));
	EXPECT_EQ(-ENOENT, __ioeventfd(vm, 0x1000, 4, efd, de | dm, 7));
	/* Gone: the address is free again. */
	EXPECT_EQ(0, __ioeventfd(vm, 0x1000, 4, efd2, 0, 0));
	EXPECT_EQ(0, __ioeventfd(vm, 0x1000, 4, efd2, de, 0));

	close(efd);
	close(efd2);
	hv_vm_free(vm);
}

/*
 * s390's VIRTIO_CCW_NOTIFY "bus" is accepted on x86 too (KVM keeps a
 * bus for it on every architecture), with the usual duplicate and
 * DEASSIGN rules; nothing on x86 ever signals it.
 */
TEST(ccw_notify_flag)
{
	u32 ccw = HV_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY;
	struct hv_vm *vm;
	int efd;

	HV_REQUIRE(return, HV_CAP_IOEVENTFD);
	vm = hv_vm_create_bare();
	efd = new_eventfd();
	EXPECT_EQ(0, __ioeventfd(vm, 0x1000, 8, efd, ccw, 0));
	EXPECT_EQ(-EEXIST, __ioeventfd(vm, 0x1000, 8, efd, ccw, 0));
	EXPECT_EQ(0, __ioeventfd(vm, 0x1000, 8, efd, 0, 0));
	EXPECT_EQ(0, __ioeventfd(vm, 0x1000, 8, efd,
				 ccw | HV_IOEVENTFD_FLAG_DEASSIGN, 0));
	EXPECT_EQ(-ENOENT, __ioeventfd(vm, 0x1000, 8, efd,
				       ccw | HV_IOEVENTFD_FLAG_DEASSIGN, 0));
	close(efd);
	hv_vm_free(vm);
}

static void guest_pio(void)
{
	outw(PORT_ANY, 1);
	outw(PORT_ANY, 2);
	outw(PORT_ANY, 3);
	outl(PORT_MATCH, 0x1234);
	outl(PORT_MATCH, 0x1234);
	outl(PORT_MATCH, 0x9999);	/* another value: exits */
	outb(PORT_ANY, 4);		/* another length: exits */
	GUEST_SYNC(1);
	outw(PORT_ANY, 5);		/* deassigned: exits */
	GUEST_DONE();
}

static void expect_io_exit(struct __test_metadata *_metadata,
			   struct hv_vcpu *vcpu, u16 port, u8 size, u32 val)
{
	u32 data = 0;

	vcpu_run(vcpu);
	ASSERT_EQ(UCALL_NONE, get_ucall_ok(vcpu, &(struct ucall){}));
	vcpu_assert_exit(vcpu, HV_EXIT_IO);
	EXPECT_EQ(port, vcpu->run->io.port);
	EXPECT_EQ(size, vcpu->run->io.size);
	EXPECT_EQ(HV_EXIT_IO_OUT, vcpu->run->io.direction);
	memcpy(&data, vcpu_io_data(vcpu), size);
	EXPECT_EQ(val, data);
}

TEST(pio)
{
	u32 pio = HV_IOEVENTFD_FLAG_PIO;
	struct hv_vcpu *vcpu;
	struct ucall uc;
	struct hv_vm *vm;
	int any, match;

	HV_REQUIRE_GUEST(return, HV_CAP_IOEVENTFD);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_pio);
	any = new_eventfd();
	match = new_eventfd();
	ASSERT_EQ(0, __ioeventfd(vm, PORT_ANY, 2, any, pio, 0));
	ASSERT_EQ(0, __ioeventfd(vm, PORT_MATCH, 4, match,
				 pio | HV_IOEVENTFD_FLAG_DATAMATCH, 0x1234));

	/* The matching writes did not exit: the first exit is 0x9999. */
	expect_io_exit(_metadata, vcpu, PORT_MATCH, 4, 0x9999);
	EXPECT_EQ(3, eventfd_count(any));
	EXPECT_EQ(2, eventfd_count(match));
	expect_io_exit(_metadata, vcpu, PORT_ANY, 1, 4);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0, eventfd_count(any));
	EXPECT_EQ(0, eventfd_count(match));

	ASSERT_EQ(0, __ioeventfd(vm, PORT_ANY, 2, any,
				 pio | HV_IOEVENTFD_FLAG_DEASSIGN, 0));
	expect_io_exit(_metadata, vcpu, PORT_ANY, 2, 5);
	EXPECT_EQ(0, eventfd_count(any));
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	close(any);
	close(match);
	hv_vm_free(vm);
}

static void guest_mmio(void)
{
	WRITE_ONCE(*(u32 *)MMIO_ANY, 1);
	WRITE_ONCE(*(u32 *)MMIO_ANY, 2);
	WRITE_ONCE(*(u64 *)MMIO_MATCH, MATCH64);
	WRITE_ONCE(*(u8 *)MMIO_NOLEN, 1);
	WRITE_ONCE(*(u16 *)MMIO_NOLEN, 2);
	WRITE_ONCE(*(u32 *)MMIO_NOLEN, 3);
	WRITE_ONCE(*(u64 *)MMIO_NOLEN, 4);
	WRITE_ONCE(*(u64 *)MMIO_MATCH, 1);		/* another value */
	WRITE_ONCE(*(u16 *)MMIO_ANY, 3);		/* another length */
	WRITE_ONCE(*(u8 *)(MMIO_NOLEN + 1), 5);		/* another address */
	GUEST_SYNC(1);
	WRITE_ONCE(*(u32 *)MMIO_ANY, 6);		/* deassigned */
	GUEST_DONE();
}

static void expect_mmio_exit(struct __test_metadata *_metadata,
			     struct hv_vcpu *vcpu, u64 gpa, u8 len, u64 val)
{
	u64 data = 0;

	vcpu_run(vcpu);
	ASSERT_EQ(UCALL_NONE, get_ucall_ok(vcpu, &(struct ucall){}));
	vcpu_assert_exit(vcpu, HV_EXIT_MMIO);
	EXPECT_EQ(gpa, vcpu->run->mmio.phys_addr);
	EXPECT_EQ(len, vcpu->run->mmio.len);
	EXPECT_EQ(1, vcpu->run->mmio.is_write);
	memcpy(&data, vcpu->run->mmio.data, len);
	EXPECT_EQ(val, data);
}

TEST(mmio)
{
	u32 dm = HV_IOEVENTFD_FLAG_DATAMATCH;
	int any, match, nolen;
	struct hv_vcpu *vcpu;
	struct ucall uc;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_IOEVENTFD,
			 HV_CAP_IOEVENTFD_ANY_LENGTH);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_mmio);
	any = new_eventfd();
	match = new_eventfd();
	nolen = new_eventfd();
	ASSERT_EQ(0, __ioeventfd(vm, MMIO_ANY, 4, any, 0, 0));
	ASSERT_EQ(0, __ioeventfd(vm, MMIO_MATCH, 8, match, dm, MATCH64));
	ASSERT_EQ(0, __ioeventfd(vm, MMIO_NOLEN, 0, nolen, 0, 0));

	expect_mmio_exit(_metadata, vcpu, MMIO_MATCH, 8, 1);
	EXPECT_EQ(2, eventfd_count(any));
	EXPECT_EQ(1, eventfd_count(match));
	EXPECT_EQ(4, eventfd_count(nolen));
	expect_mmio_exit(_metadata, vcpu, MMIO_ANY, 2, 3);
	expect_mmio_exit(_metadata, vcpu, MMIO_NOLEN + 1, 1, 5);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0, eventfd_count(any));
	EXPECT_EQ(0, eventfd_count(match));
	EXPECT_EQ(0, eventfd_count(nolen));

	ASSERT_EQ(0, __ioeventfd(vm, MMIO_ANY, 4, any,
				 HV_IOEVENTFD_FLAG_DEASSIGN, 0));
	expect_mmio_exit(_metadata, vcpu, MMIO_ANY, 4, 6);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	close(any);
	close(match);
	close(nolen);
	hv_vm_free(vm);
}

/* Closing the eventfd or the VM with ioeventfds assigned is fine. */
TEST(close_with_ioeventfds)
{
	struct hv_vm *vm;
	int efd, i;

	HV_REQUIRE(return, HV_CAP_IOEVENTFD);
	vm = hv_vm_create_bare();
	efd = new_eventfd();
	for (i = 0; i < 64; i++)
		ASSERT_EQ(0, __ioeventfd(vm, 0x10000 + 8 * i, 8, efd,
					 i & 1 ? HV_IOEVENTFD_FLAG_PIO : 0, 0));
	close(efd);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}
