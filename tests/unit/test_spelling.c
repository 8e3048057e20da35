/* test_spelling.c: the edit distance behind "did you mean". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "spelling.h"

static void
test_distance(void **state)
{
    (void)state;
    assert_int_equal(ayni_edit_distance("FOOD-KIT", "FOOD-KIT"), 0);
    assert_int_equal(ayni_edit_distance("FOOD-KTI", "FOOD-KIT"), 1); /* a swap is one edit */
    assert_int_equal(ayni_edit_distance("qyt", "qty"), 1);
    assert_int_equal(ayni_edit_distance("qyt", "at"), 2);
    assert_int_equal(ayni_edit_distance("food-kit", "FOOD-KIT"), 0); /* case does not count */
    assert_int_equal(ayni_edit_distance("", "ABC"), 3);
    assert_int_equal(ayni_edit_distance("ALM-LIMA-SLJ", "ALM-LIMA-SJL"), 1);
    char long_word[80] = {0};
    for (int i = 0; i < 70; i++)
        long_word[i] = 'A';
    assert_true(ayni_edit_distance(long_word, "A") == (size_t)-1);
}

static void
test_near_enough(void **state)
{
    (void)state;
    assert_true(ayni_near_enough("FOOD-KTI", 1));
    assert_true(ayni_near_enough("FOOD-KTI", 3));
    assert_false(ayni_near_enough("FOOD-KTI", 4));
    assert_false(ayni_near_enough("ab", 2));
    assert_true(ayni_near_enough("ab", 1));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distance),
        cmocka_unit_test(test_near_enough),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
