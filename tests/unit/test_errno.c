/* SPDX-License-Identifier: MIT */
/*
 * The probe's one error space (pf_errno.h): every code is distinct, every
 * infrastructure code has a name, the device-rule codes stay in their own
 * range and are told apart from the probe's own errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "intr.h"
#include "msix.h"
#include "pf_errno.h"
#include "virtio/virtqueue.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const int infra[] = {
	PF_EIO,	   PF_ETIMEDOUT, PF_ENODEV,   PF_EINVAL,    PF_ENOSPC,
	PF_ENOMEM, PF_ENOTSUP,	 PF_EBADPROP, PF_EBADCELLS, PF_ENOTPCI,
	PF_ENOCAP, PF_ECAPLIST,	 PF_EBAR,     PF_ESTUCK,    PF_EBUSY,
};

static const int device_rule[] = {
	VQ_E_DEV_ID_RANGE,     VQ_E_DEV_ID_NOT_INFLIGHT, VQ_E_DEV_LEN,	 VQ_E_DEV_USED_IDX,
	VQ_E_DEV_DESC_WRITTEN, VQ_E_DEV_RO_WRITTEN,	 VQ_E_DEV_ORDER, VQ_E_DEV_WRAP,
	VQ_E_DEV_FLAGS,
};

/* No two meanings share a value, across both ranges; none is success. */
static void codes_distinct(void **state)
{
	int all[N(infra) + N(device_rule)];
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < N(infra); i++)
		all[n++] = infra[i];
	for (size_t i = 0; i < N(device_rule); i++)
		all[n++] = device_rule[i];
	for (size_t i = 0; i < n; i++) {
		assert_true(all[i] < 0);
		for (size_t j = i + 1; j < n; j++)
			assert_int_not_equal(all[i], all[j]);
	}
	/* the list above is the whole infrastructure range */
	assert_int_equal(N(infra), (size_t)-PF_E_INFRA_LAST);
}

/* pf_strerror() names every infrastructure code, each differently, and
 * nothing else in that range. */
static void strerror_knows_each(void **state)
{
	(void)state;
	assert_string_equal(pf_strerror(PF_OK), "ok");
	for (size_t i = 0; i < N(infra); i++) {
		const char *s = pf_strerror(infra[i]);

		assert_string_not_equal(s, "unknown");
		assert_string_not_equal(s, "device-rule");
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(s, pf_strerror(infra[j]));
	}
	assert_string_equal(pf_strerror(PF_E_INFRA_LAST - 1), "unknown");
	assert_string_equal(pf_strerror(1), "unknown");
	assert_string_equal(pf_strerror(-99), "unknown");
	assert_string_equal(pf_strerror(-200), "unknown");
}

/* Device-rule codes: in their range, each with its own fingerprint id and
 * text; vq_error_is_device_fault() holds for them and only them. */
static void device_rule_range(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(device_rule); i++) {
		int e = device_rule[i];

		assert_true(e <= PF_EDEV_FIRST && e >= PF_EDEV_LAST);
		assert_true(vq_error_is_device_fault(e));
		assert_string_equal(pf_strerror(e), "device-rule");
		assert_string_not_equal(virtq_error_id(e), "unknown");
		assert_string_not_equal(virtq_strerror(e), "unknown error");
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(virtq_error_id(e), virtq_error_id(device_rule[j]));
	}
	assert_false(vq_error_is_device_fault(PF_OK));
	for (size_t i = 0; i < N(infra); i++)
		assert_false(vq_error_is_device_fault(infra[i]));
}

/* The modules' own texts cover the codes they return. */
static void module_texts(void **state)
{
	static const int vq[] = { PF_OK, PF_EINVAL, PF_ENOSPC, PF_ENOMEM, PF_ETIMEDOUT };
	static const int irq[] = { PF_OK, PF_ENODEV, PF_EINVAL, PF_ENOSPC, PF_EIO, PF_ENOTSUP };
	static const int msix[] = {
		PF_ENOTPCI, PF_ENOCAP, PF_ECAPLIST, PF_EBAR, PF_ESTUCK, PF_EBUSY
	};

	(void)state;
	for (size_t i = 0; i < N(vq); i++) {
		assert_string_not_equal(virtq_strerror(vq[i]), "unknown error");
		assert_string_equal(virtq_error_id(vq[i]), pf_strerror(vq[i]));
	}
	for (size_t i = 0; i < N(irq); i++) {
		assert_string_not_equal(intr_strerror(irq[i]), "unknown error");
		assert_string_equal(msix_strerror(irq[i]), intr_strerror(irq[i]));
	}
	for (size_t i = 0; i < N(msix); i++)
		assert_string_not_equal(msix_strerror(msix[i]), "unknown error");
	assert_string_equal(intr_strerror(PF_EBADPROP), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(codes_distinct),
		cmocka_unit_test(strerror_knows_each),
		cmocka_unit_test(device_rule_range),
		cmocka_unit_test(module_texts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
