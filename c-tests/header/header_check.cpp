// include/tq.h in strict C++ (built as C++11 and C++17); see header_check.h.
#include "header_check.h"

int main() {
    int failed = header_failures();
    printf("header check (C++, __cplusplus %ld): %d failed\n", static_cast<long>(__cplusplus), failed);
    return failed == 0 ? 0 : 1;
}
