// What the C++ tests of include/tq.hpp share: EXPECT, fake items, and a
// runner for a table of named cases that prints one line per case and
// exits non-zero if any failed.
#ifndef TQ_CPP_CASES_HPP
#define TQ_CPP_CASES_HPP

#include <cstddef>
#include <cstdint>
#include <cstdio>

// Ends the current case as failed, saying which expectation did not hold.
#define EXPECT(cond)                                                              \
    do {                                                                          \
        if (!(cond)) {                                                            \
            std::printf("  line %d: expected %s\n", __LINE__, #cond);             \
            return false;                                                         \
        }                                                                         \
    } while (0)

namespace tq_test {

// A fake item: a small integer disguised as a pointer.
inline void *item(std::intptr_t n) { return reinterpret_cast<void *>(n); }

// One named case.
struct test_case {
    const char *name;
    bool (*run)();
};

// Runs every case, one line each, then a summary; the exit status for main.
template <std::size_t N>
int run_cases(const test_case (&cases)[N]) {
    int failed = 0;
    for (const test_case &c : cases) {
        bool ok = c.run();
        std::printf("%s %s\n", ok ? "ok  " : "FAIL", c.name);
        failed += ok ? 0 : 1;
    }
    std::printf("%d of %zu cases failed\n", failed, N);
    return failed == 0 ? 0 : 1;
}

}  // namespace tq_test

#endif
