// SPDX-License-Identifier: GPL-2.0-only
/*
 * HV_EXIT_IO: IN and OUT of 1, 2 and 4 bytes, string INS/OUTS with and
 * without REP, the data at run->io.data_offset, IN completed with the
 * host's data on the next RUN, and where RIP is at an I/O exit.
 *
 * How a string instruction is split into exits is the hypervisor's
 * choice (KVM exits once per element for OUTS and batches INS up to a
 * page boundary and 1 KiB): the test checks every exit's port, size and
 * count and that the exits together carry exactly the guest's data.
 */
#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/processor.h"

#define IO_PORT		0xe0

static void guest_in_out(void)
{
	outb(IO_PORT, 0x11);
	outw(IO_PORT, 0x2233);
	outl(IO_PORT, 0x44556677);
	GUEST_ASSERT_EQ(inb(IO_PORT), 0x88);
	GUEST_ASSERT_EQ(inw(IO_PORT), 0x99aa);
	GUEST_ASSERT_EQ(inl(IO_PORT), 0xbbccddee);
	GUEST_DONE();
}

TEST(in_out_sizes)
{
	static const struct { u8 dir, size; u32 val; } exp[] = {
		{ HV_EXIT_IO_OUT, 1, 0x11 },
		{ HV_EXIT_IO_OUT, 2, 0x2233 },
		{ HV_EXIT_IO_OUT, 4, 0x44556677 },
		{ HV_EXIT_IO_IN, 1, 0x88 },
		{ HV_EXIT_IO_IN, 2, 0x99aa },
		{ HV_EXIT_IO_IN, 4, 0xbbccddee },
	};
	struct hv_vcpu *vcpu;
	struct hv_run *run;
	struct hv_vm *vm;
	unsigned int i;
	u32 data;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_in_out);
	run = vcpu->run;
	for (i = 0; i < HV_ARRAY_SIZE(exp); i++) {
		vcpu_run(vcpu);
		ASSERT_EQ(UCALL_NONE, get_ucall_ok(vcpu, &(struct ucall){}));
		vcpu_assert_exit(vcpu, HV_EXIT_IO);
		EXPECT_EQ(exp[i].dir, run->io.direction);
		EXPECT_EQ(exp[i].size, run->io.size);
		EXPECT_EQ(IO_PORT, run->io.port);
		EXPECT_EQ(1, run->io.count);
		EXPECT_EQ(HV_PIO_PAGE_OFFSET * HV_PAGE_SIZE, run->io.data_offset);
		data = 0;
		if (exp[i].dir == HV_EXIT_IO_OUT) {
			memcpy(&data, vcpu_io_data(vcpu), exp[i].size);
			EXPECT_EQ(exp[i].val, data);
		} else {
			memcpy(vcpu_io_data(vcpu), &exp[i].val, exp[i].size);
		}
	}
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	hv_vm_free(vm);
}

/* IN to AL/AX keeps the rest of RAX; IN to EAX zero-extends into RAX. */
static void guest_in_merge(void)
{
	u64 rax = 0x1122334455667788ULL;

	asm volatile("inb %%dx, %%al" : "+a"(rax) : "d"(IO_PORT));
	GUEST_ASSERT_EQ(rax, 0x11223344556677abULL);
	asm volatile("inw %%dx, %%ax" : "+a"(rax) : "d"(IO_PORT));
	GUEST_ASSERT_EQ(rax, 0x112233445566abcdULL);
	asm volatile("inl %%dx, %%eax" : "+a"(rax) : "d"(IO_PORT));
	GUEST_ASSERT_EQ(rax, 0xabcdef01ULL);
	GUEST_DONE();
}

TEST(in_merges_into_rax)
{
	static const u32 vals[] = { 0xab, 0xabcd, 0xabcdef01 };
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	unsigned int i;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_in_merge);
	for (i = 0; i < HV_ARRAY_SIZE(vals); i++) {
		vcpu_run(vcpu);
		vcpu_assert_exit(vcpu, HV_EXIT_IO);
		ASSERT_EQ(HV_EXIT_IO_IN, vcpu->run->io.direction);
		memcpy(vcpu_io_data(vcpu), &vals[i], vcpu->run->io.size);
	}
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	hv_vm_free(vm);
}

/*
 * At an I/O exit RIP still points at the IN/OUT instruction; the next RUN
 * completes it and moves on (KVM; a VMM may inspect or change RIP there).
 */
static void guest_io_rip(void)
{
	asm volatile("io_rip_out: outb %%al, %%dx\n\t"
		     "io_rip_in: inb %%dx, %%al\n\t"
		     "io_rip_after: nop"
		     : : "a"(0), "d"(IO_PORT));
	GUEST_DONE();
}

TEST(io_exit_rip)
{
	struct hv_vcpu *vcpu;
	struct hv_regs regs;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_io_rip);
	vcpu_run(vcpu);
	vcpu_assert_exit(vcpu, HV_EXIT_IO);
	vcpu_regs_get(vcpu, &regs);
	EXPECT_EQ(ASM_ADDR(io_rip_out), regs.rip);
	vcpu_run(vcpu);
	vcpu_assert_exit(vcpu, HV_EXIT_IO);
	vcpu_regs_get(vcpu, &regs);
	EXPECT_EQ(ASM_ADDR(io_rip_in), regs.rip);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	hv_vm_free(vm);
}

/* String I/O: one phase per instruction form, then GUEST_SYNC(phase). */
struct sio_phase {
	u8 out;
	u8 size;
	u8 rep;
	u16 count;
};

static const struct sio_phase phases[] = {
	{ 1, 1, 0, 1 }, { 1, 2, 0, 1 }, { 1, 4, 0, 1 },
	{ 1, 1, 1, 16 }, { 1, 2, 1, 8 }, { 1, 4, 1, 5 },
	{ 1, 1, 1, 300 },
	{ 0, 1, 0, 1 }, { 0, 2, 0, 1 }, { 0, 4, 0, 1 },
	{ 0, 1, 1, 16 }, { 0, 2, 1, 8 }, { 0, 4, 1, 5 },
	{ 0, 1, 1, 3000 },	/* several pages of the buffer */
	{ 0, 4, 1, 1100 },
};

static u8 sio_buf[3 * 4096] __aligned(4096);

static u8 sio_byte(unsigned int phase, unsigned int i)
{
	return (u8)(i * 13 + phase * 7 + 1);
}

/* One string instruction: RSI or RDI is @p, RCX is @n, DX the port. */
#define SIO(insn, reg, p, n)						\
	({								\
		asm volatile(insn : "+" reg(p), "+c"(n)			\
			     : "d"(IO_PORT) : "memory");		\
	})

static void string_out(unsigned int size, bool rep, u8 **p, u64 *n)
{
	if (rep && size == 1)
		SIO("rep outsb", "S", *p, *n);
	else if (rep && size == 2)
		SIO("rep outsw", "S", *p, *n);
	else if (rep)
		SIO("rep outsl", "S", *p, *n);
	else if (size == 1)
		SIO("outsb", "S", *p, *n);
	else if (size == 2)
		SIO("outsw", "S", *p, *n);
	else
		SIO("outsl", "S", *p, *n);
}

static void string_in(unsigned int size, bool rep, u8 **p, u64 *n)
{
	if (rep && size == 1)
		SIO("rep insb", "D", *p, *n);
	else if (rep && size == 2)
		SIO("rep insw", "D", *p, *n);
	else if (rep)
		SIO("rep insl", "D", *p, *n);
	else if (size == 1)
		SIO("insb", "D", *p, *n);
	else if (size == 2)
		SIO("insw", "D", *p, *n);
	else
		SIO("insl", "D", *p, *n);
}

static void guest_string_io(void)
{
	unsigned int ph, i;

	for (ph = 0; ph < HV_ARRAY_SIZE(phases); ph++) {
		const struct sio_phase *p = &phases[ph];
		unsigned int bytes = p->size * p->count;
		/* Start the buffer 4 bytes before a page boundary. */
		u8 *buf = sio_buf + 4096 - 4, *ptr = buf;
		u64 n = p->count;

		for (i = 0; i < bytes; i++)
			buf[i] = p->out ? sio_byte(ph, i) : 0;
		if (p->out)
			string_out(p->size, p->rep, &ptr, &n);
		else
			string_in(p->size, p->rep, &ptr, &n);
		GUEST_ASSERT_EQ(ptr, buf + bytes);
		GUEST_ASSERT_EQ(n, p->rep ? 0 : p->count);
		for (i = 0; !p->out && i < bytes; i++)
			GUEST_ASSERT_EQ(buf[i], sio_byte(ph, i));
		GUEST_SYNC(ph);
	}
	GUEST_DONE();
}

TEST(string_io)
{
	struct hv_vcpu *vcpu;
	struct hv_run *run;
	struct ucall uc;
	struct hv_vm *vm;
	unsigned int ph, i;
	static u8 stream[3 * 4096];

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_string_io);
	run = vcpu->run;
	for (ph = 0; ph < HV_ARRAY_SIZE(phases); ph++) {
		const struct sio_phase *p = &phases[ph];
		unsigned int bytes = p->size * p->count, pos = 0, exits = 0;
		unsigned int chunk;

		for (;;) {
			vcpu_run(vcpu);
			if (get_ucall_ok(vcpu, &uc) != UCALL_NONE)
				break;
			vcpu_assert_exit(vcpu, HV_EXIT_IO);
			ASSERT_EQ(IO_PORT, run->io.port);
			ASSERT_EQ(p->out ? HV_EXIT_IO_OUT : HV_EXIT_IO_IN,
				  run->io.direction);
			ASSERT_EQ(p->size, run->io.size);
			ASSERT_LE(1, run->io.count);
			chunk = run->io.size * run->io.count;
			ASSERT_LE(pos + chunk, bytes);
			ASSERT_LE(run->io.data_offset + chunk, vcpu->run_size);
			if (p->out) {
				memcpy(stream + pos, vcpu_io_data(vcpu), chunk);
			} else {
				for (i = 0; i < chunk; i++)
					((u8 *)vcpu_io_data(vcpu))[i] =
						sio_byte(ph, pos + i);
			}
			pos += chunk;
			exits++;
		}
		ASSERT_EQ(UCALL_SYNC, uc.cmd);
		ASSERT_EQ(ph, uc.args[0]);
		EXPECT_EQ(bytes, pos);
		for (i = 0; p->out && i < bytes; i++)
			ASSERT_EQ(sio_byte(ph, i), stream[i]);
		TH_LOG("%s%s%c x%u: %u exit(s)", p->rep ? "rep " : "",
		       p->out ? "outs" : "ins", " bw l"[p->size], p->count,
		       exits);
	}
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	hv_vm_free(vm);
}

static void guest_out_twice(void)
{
	outb(IO_PORT, 1);
	outb(IO_PORT, 2);
	GUEST_DONE();
}

static void guest_out_three(void)
{
	outb(IO_PORT, 3);
	GUEST_DONE();
}

/*
 * Userspace moving RIP (SET_REGS) while a port I/O exit is pending
 * abandons the instruction: the next RUN starts at the new RIP and does
 * not complete the old OUT or IN (KVM checks the RIP is unchanged).
 */
TEST(set_regs_abandons_pending_io)
{
	struct hv_vcpu *vcpu;
	struct hv_regs regs;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_out_twice);
	vcpu_run(vcpu);
	vcpu_assert_exit(vcpu, HV_EXIT_IO);
	EXPECT_EQ(1, *(u8 *)vcpu_io_data(vcpu));
	vcpu_regs_get(vcpu, &regs);
	regs.rip = (u64)guest_out_three;
	vcpu_regs_set(vcpu, &regs);
	vcpu_run(vcpu);
	vcpu_assert_exit(vcpu, HV_EXIT_IO);
	EXPECT_EQ(3, *(u8 *)vcpu_io_data(vcpu));
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}
