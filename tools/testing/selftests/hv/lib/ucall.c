// SPDX-License-Identifier: GPL-2.0-only
/*
 * ucall: guest-to-host calls over port I/O on x86, MMIO on arm64 (see
 * include/ucall.h).
 * The guest half runs inside the VM: it must not call the C library.
 */
#include "ucall.h"

/* Guest side */

static void ucall_send(struct ucall *uc)
{
#ifdef __aarch64__
	/* A 64-bit store the syndrome describes: an MMIO exit. */
	asm volatile("str %0, [%1]"
		     : : "r"((u64)uc), "r"((u64)HV_UCALL_MMIO) : "memory");
#else
	asm volatile("outl %0, %1"
		     : : "a"((u32)(u64)uc), "Nd"((u16)HV_UCALL_PORT)
		     : "memory");
#endif
}

void ucall(u64 cmd, u64 arg0, u64 arg1, u64 arg2, u64 arg3)
{
	struct ucall uc = {
		.cmd = cmd,
		.args = { arg0, arg1, arg2, arg3 },
	};

	ucall_send(&uc);
}

void __ucall_text(u64 cmd, const char *file, u64 line, const char *text,
		  const u64 *args)
{
	struct ucall uc = {
		.cmd = cmd,
		.file = file,
		.text = text,
		.line = line,
	};
	int i;

	for (i = 0; i < UCALL_MAX_ARGS; i++)
		uc.args[i] = args[i];
	ucall_send(&uc);
}

void __guest_abort(const char *file, u64 line, const char *text,
		   const u64 *args)
{
	__ucall_text(UCALL_ABORT, file, line, text, args);
	for (;;)
#ifdef __aarch64__
		asm volatile("wfi");
#else
		asm volatile("hlt");
#endif
}

/* Host side */

u64 get_ucall(struct hv_vcpu *vcpu, struct ucall *uc)
{
	struct hv_run *run = vcpu->run;
#ifdef __aarch64__
	u64 gpa;

	memset(uc, 0, sizeof(*uc));
	if (run->exit_reason != HV_EXIT_MMIO ||
	    run->mmio.phys_addr != HV_UCALL_MMIO)
		return UCALL_NONE;
	TEST_ASSERT(run->mmio.is_write && run->mmio.len == 8,
		    "malformed ucall: write %u len %u", run->mmio.is_write,
		    run->mmio.len);
	memcpy(&gpa, run->mmio.data, sizeof(gpa));
#else
	u32 gpa;

	memset(uc, 0, sizeof(*uc));
	if (run->exit_reason != HV_EXIT_IO || run->io.port != HV_UCALL_PORT)
		return UCALL_NONE;
	TEST_ASSERT(run->io.direction == HV_EXIT_IO_OUT &&
		    run->io.size == 4 && run->io.count == 1,
		    "malformed ucall: dir %u size %u count %u",
		    run->io.direction, run->io.size, run->io.count);
	memcpy(&gpa, vcpu_io_data(vcpu), sizeof(gpa));
#endif
	memcpy(uc, hv_gpa2hva(vcpu->vm, gpa), sizeof(*uc));
	return uc->cmd;
}

/* A guest string, if it lies in the test image (where it came from). */
static const char *guest_str(const char *s)
{
	const char *p;

	if (!s || !hv_image_contains(s, 1))
		return NULL;
	for (p = s; hv_image_contains(p, 1); p++)
		if (!*p)
			return s;
	return NULL;
}

/* Only integer conversions: the arguments are u64 values, no pointers. */
static bool safe_format(const char *f)
{
	for (; (f = strchr(f, '%')); f++) {
		f++;
		if (*f == '%')
			continue;
		f += strspn(f, "-+ #0123456789.lhzjt");
		if (!*f || !strchr("diouxXc", *f))
			return false;
	}
	return true;
}

void ucall_describe(const struct ucall *uc, char *buf, size_t len)
{
	const char *file = guest_str(uc->file) ?: "?";
	const char *text = guest_str(uc->text);
	const u64 *a = uc->args;
	char msg[512];

	if (!text)
		snprintf(msg, sizeof(msg), "(no text)");
	else if (safe_format(text))
		snprintf(msg, sizeof(msg), text, a[0], a[1], a[2], a[3]);
	else
		snprintf(msg, sizeof(msg), "%s [0x%llx 0x%llx 0x%llx 0x%llx]",
			 text, a[0], a[1], a[2], a[3]);

	switch (uc->cmd) {
	case UCALL_ABORT:
		snprintf(buf, len, "guest %s:%llu: %s", file, uc->line, msg);
		break;
	case UCALL_PRINTF:
		snprintf(buf, len, "guest %s:%llu: %s", file, uc->line, msg);
		break;
	case UCALL_UNHANDLED:
		snprintf(buf, len,
			 "guest exception %llu at RIP 0x%llx, error code 0x%llx, CR2 0x%llx",
			 a[0], a[1], a[2], a[3]);
		break;
	default:
		snprintf(buf, len, "ucall %llu (0x%llx 0x%llx 0x%llx 0x%llx)",
			 uc->cmd, a[0], a[1], a[2], a[3]);
		break;
	}
}

u64 get_ucall_ok(struct hv_vcpu *vcpu, struct ucall *uc)
{
	char buf[640];

	switch (get_ucall(vcpu, uc)) {
	case UCALL_PRINTF:
		ucall_describe(uc, buf, sizeof(buf));
		printf("# %s\n", buf);
		break;
	case UCALL_ABORT:
	case UCALL_UNHANDLED:
		ucall_describe(uc, buf, sizeof(buf));
		errno = 0;
		TEST_FAIL("vCPU %u: %s", vcpu->id, buf);
	default:
		break;
	}
	return uc->cmd;
}

u64 vcpu_run_ucall(struct hv_vcpu *vcpu, struct ucall *uc)
{
	char buf[640];

	for (;;) {
		vcpu_run(vcpu);
		switch (get_ucall_ok(vcpu, uc)) {
		case UCALL_NONE:
			hv_describe_exit(vcpu, buf, sizeof(buf));
			errno = 0;
			TEST_FAIL("vCPU %u: expected a ucall, got %s",
				  vcpu->id, buf);
		case UCALL_PRINTF:
			continue;
		default:
			return uc->cmd;
		}
	}
}

void __vcpu_expect_ucall(struct hv_vcpu *vcpu, u64 cmd, struct ucall *uc,
			 const char *file, int line)
{
	struct ucall local;
	char buf[640];

	if (!uc)
		uc = &local;
	if (vcpu_run_ucall(vcpu, uc) == cmd)
		return;
	ucall_describe(uc, buf, sizeof(buf));
	errno = 0;
	hv_test_fail(file, line, NULL, "vCPU %u: expected ucall %llu, got %s",
		     vcpu->id, cmd, buf);
}
