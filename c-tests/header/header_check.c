/* include/tq.h in strict C (built as C99 and C11); see header_check.h. */
#include "header_check.h"

int main(void) {
    int failed = header_failures();
    printf("header check (C, __STDC_VERSION__ %ld): %d failed\n", (long)__STDC_VERSION__, failed);
    return failed == 0 ? 0 : 1;
}
