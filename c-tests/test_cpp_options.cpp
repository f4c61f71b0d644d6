// Tests of how include/tq.hpp constructs queues from options: bad options
// throw std::invalid_argument (or, with std::nothrow, leave the queue
// empty-handed), good ones of every order make a working queue. One line per
// case; exits non-zero if any case fails.
//
// The other failures, std::bad_alloc for TQ_NOMEM from tq_create (which
// every constructor goes through) and std::runtime_error for anything else,
// need the library to run out of memory or fail inside and are not
// provoked here.

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <new>
#include <stdexcept>

#include "cpp_cases.hpp"
#include "tq.hpp"

namespace {

using tq_test::test_case;

// An order the library rejects.
const tq::order bad_order = static_cast<tq::order>(3);

// A heap item for owning queues.
struct tracked {
    int id;
};

// Whether `make()` throws std::invalid_argument whose message names the order.
template <class F>
bool throws_invalid_order(F make) {
    try {
        make();
    } catch (const std::invalid_argument &e) {
        return std::strstr(e.what(), "order") != nullptr;
    } catch (...) {
        return false;
    }
    return false;
}

bool bad_order_throws_invalid_argument() {
    EXPECT(throws_invalid_order([] { tq::queue q(tq::options{bad_order}); }));
    EXPECT(throws_invalid_order([] { tq::queue q(tq::options{static_cast<tq::order>(-1), 4}); }));
    EXPECT(throws_invalid_order([] { tq::typed_queue<tracked> q(0, bad_order); }));
    EXPECT(throws_invalid_order([] { tq::owning_queue<tracked> q(8, bad_order); }));
    return true;
}

bool nothrow_leaves_the_queue_empty_handed() {
    tq::queue quiet(std::nothrow, tq::options{bad_order});
    EXPECT(!quiet && quiet.native_handle() == nullptr);
    EXPECT(quiet.put(nullptr) == tq::status::invalid);
    tq::typed_queue<tracked> typed(std::nothrow, 0, bad_order);
    EXPECT(!typed);
    tq::queue fine(std::nothrow, 4);
    EXPECT(fine && fine.maxsize() == 4);
    return true;
}

// Counts the items a queue drops.
void count_drop(void *, void *ctx) { ++*static_cast<int *>(ctx); }

bool good_options_make_working_queues() {
    for (tq::order o : {tq::order::fifo, tq::order::lifo, tq::order::priority}) {
        int drops = 0;
        {
            tq::queue q(tq::options{o, 2, count_drop, &drops});
            EXPECT(q && q.maxsize() == 2);
            EXPECT(q.put(reinterpret_cast<void *>(std::intptr_t{1})) == tq::status::ok);
            EXPECT(q.put_priority(nullptr, 0, tq::nowait) ==
                   (o == tq::order::priority ? tq::status::ok : tq::status::invalid));
        }
        EXPECT(drops == (o == tq::order::priority ? 2 : 1));
    }
    tq::owning_queue<tracked> owning(1, tq::order::lifo);
    EXPECT(owning && owning.put(new tracked{1}) == tq::status::ok);
    return true;
}

const test_case cases[] = {
    {"an order that is not an enumerator throws std::invalid_argument", bad_order_throws_invalid_argument},
    {"with std::nothrow, bad options leave the queue empty-handed", nothrow_leaves_the_queue_empty_handed},
    {"valid options of every order make a working queue", good_options_make_working_queues},
};

}  // namespace

int main() { return tq_test::run_cases(cases); }
