// Tests of include/tq.hpp, the C++ RAII wrapper: ownership, moves, timeout
// conversion and a round trip through every method. One line per case;
// exits non-zero if any case fails.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <ratio>
#include <thread>
#include <type_traits>

#include "cpp_cases.hpp"
#include "tq.hpp"

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

using tq_test::item;
using tq_test::test_case;

// Counts the items a queue's destroy callback receives.
struct drops {
    int calls = 0;
    std::intptr_t sum = 0;
};

// A tq_destroy_fn that records `it` in the `drops` behind `ctx`.
void count_drop(void *it, void *ctx) {
    auto *d = static_cast<drops *>(ctx);
    d->calls++;
    d->sum += reinterpret_cast<std::intptr_t>(it);
}

// Options for a queue whose dropped items are counted in `d`.
tq::options counted(drops &d, tq::order order = tq::order::fifo, std::size_t maxsize = 0) {
    return {order, maxsize, count_drop, &d};
}

// A heap item for typed queues that knows how many of its kind are alive.
struct tracked {
    static inline int live = 0;
    int id;
    explicit tracked(int n) : id(n) { live++; }
    ~tracked() { live--; }
    tracked(const tracked &) = delete;
    tracked &operator=(const tracked &) = delete;
};

// How long `f()` took.
template <class F>
clock_type::duration time_of(F f) {
    auto start = clock_type::now();
    f();
    return clock_type::now() - start;
}

bool status_mirrors_c() {
    static_assert(static_cast<int>(tq::status::ok) == TQ_OK);
    static_assert(static_cast<int>(tq::status::timeout) == TQ_TIMEOUT);
    static_assert(static_cast<int>(tq::status::internal) == TQ_INTERNAL);
    static_assert(static_cast<int>(tq::status::system) == TQ_SYSTEM);
    static_assert(static_cast<int>(tq::order::priority) == TQ_PRIORITY);
    for (int s = TQ_OK; s <= TQ_SYSTEM; s++) {
        EXPECT(std::strcmp(tq::to_string(static_cast<tq::status>(s)), tq_status_str(static_cast<tq_status>(s))) == 0);
    }
    EXPECT(std::strcmp(tq::to_string(tq::status::full), tq::to_string(tq::status::empty)) != 0);
    return true;
}

bool timeout_conversion() {
    static_assert(tq::timeout(1500us).ms() == 2, "the conversion is constexpr");
    EXPECT(tq::timeout(1500us).ms() == 2);
    EXPECT(tq::timeout(1ns).ms() == 1);
    EXPECT(tq::timeout(1ms).ms() == 1);
    EXPECT(tq::timeout(1000001ns).ms() == 2);
    EXPECT(tq::timeout(2s).ms() == 2000);
    EXPECT(tq::timeout(std::chrono::duration<double>(0.0015)).ms() == 2);
    EXPECT(tq::timeout(std::chrono::duration<unsigned, std::micro>(1001)).ms() == 2);
    EXPECT(tq::timeout(std::chrono::duration<long, std::ratio<1, 3>>(1)).ms() == 334);
    EXPECT(tq::timeout(0s).ms() == 0 && tq::nowait.ms() == 0);
    EXPECT(tq::timeout(-1ns).ms() < 0 && tq::timeout(-5s).ms() < 0 && tq::forever.ms() < 0);
    EXPECT(tq::timeout(std::chrono::nanoseconds::max()).ms() == 9223372036855);
    EXPECT(tq::timeout(std::chrono::hours::max()).ms() < 0);
    EXPECT(tq::timeout(std::chrono::milliseconds::max()).ms() < 0);
    EXPECT(tq::timeout(std::chrono::duration<double>(std::numeric_limits<double>::quiet_NaN())).ms() < 0);
    EXPECT(tq::timeout(std::chrono::duration<double>(std::numeric_limits<double>::infinity())).ms() < 0);
    return true;
}

bool timed_waits_last_as_asked() {
    tq::queue q(1);
    tq::status s = tq::status::ok;
    EXPECT(time_of([&] { s = q.get(50ms).status; }) >= 50ms);
    EXPECT(s == tq::status::empty);
    EXPECT(time_of([&] { s = q.get(1500us).status; }) >= 1500us);
    EXPECT(s == tq::status::empty);
    EXPECT(q.put(item(1)) == tq::status::ok);
    EXPECT(time_of([&] { s = q.put(item(2), 20ms); }) >= 20ms);
    EXPECT(s == tq::status::full);
    EXPECT(time_of([&] { s = q.join(20ms); }) >= 20ms);
    EXPECT(s == tq::status::timeout);
    EXPECT(q.put(item(2), tq::nowait) == tq::status::full);
    return true;
}

bool raii_frees_queued_items() {
    drops d;
    {
        tq::queue q(counted(d));
        for (std::intptr_t n = 1; n <= 3; n++) {
            EXPECT(q.put(item(n)) == tq::status::ok);
        }
        EXPECT(q.get().item == item(1));
        EXPECT(d.calls == 0);
    }
    EXPECT(d.calls == 2 && d.sum == 2 + 3);
    return true;
}

// Every call on a queue that holds no handle.
bool is_inert(tq::queue &q) {
    void *out[1];
    void *const in[1] = {item(1)};
    EXPECT(!q && q.native_handle() == nullptr);
    EXPECT(q.put(item(1)) == tq::status::invalid);
    EXPECT(q.put_priority(item(1), 0) == tq::status::invalid);
    auto got = q.get(tq::nowait);
    EXPECT(!got && got.status == tq::status::invalid && got.item == nullptr);
    auto put = q.put_many(in, 1);
    EXPECT(put.status == tq::status::invalid && put.count == 0);
    auto taken = q.get_many(out, 1);
    EXPECT(taken.status == tq::status::invalid && taken.count == 0);
    EXPECT(q.task_done() == tq::status::invalid && q.task_done_n(1) == tq::status::invalid);
    EXPECT(q.task_done_all() == 0);
    EXPECT(q.join() == tq::status::invalid && q.shutdown(true) == tq::status::invalid);
    EXPECT(q.set_maxsize(3) == tq::status::invalid);
    auto fd = q.get_fd();
    EXPECT(!fd && fd.status == tq::status::invalid && fd.fd == -1);
    EXPECT(q.put_fd().status == tq::status::invalid);
    EXPECT(q.qsize() == 0 && !q.empty() && !q.full() && q.maxsize() == 0);
    EXPECT(q.unfinished() == 0 && !q.is_shutdown());
    return true;
}

bool moves_transfer_ownership() {
    static_assert(!std::is_copy_constructible_v<tq::queue> && !std::is_copy_assignable_v<tq::queue>);
    static_assert(std::is_nothrow_move_constructible_v<tq::queue> && std::is_nothrow_move_assignable_v<tq::queue>);
    drops first, second;
    {
        tq::queue a(counted(first));
        EXPECT(a.put(item(1)) == tq::status::ok && a.put(item(2)) == tq::status::ok);
        tq::queue b(std::move(a));
        EXPECT(b && b.qsize() == 2 && first.calls == 0);
        EXPECT(is_inert(a));

        tq::queue c(counted(second));
        EXPECT(c.put(item(7)) == tq::status::ok);
        c = std::move(b);  // frees c's own queue at once
        EXPECT(second.calls == 1 && second.sum == 7);
        EXPECT(c.qsize() == 2 && first.calls == 0);
        EXPECT(is_inert(b));
    }
    EXPECT(first.calls == 2 && first.sum == 3 && second.calls == 1);
    return true;
}

bool put_get_and_queries() {
    tq::queue q(2);
    EXPECT(q.maxsize() == 2 && q.empty() && !q.full() && q.qsize() == 0);
    EXPECT(q.put(item(1)) == tq::status::ok && q.put(item(2), 1s) == tq::status::ok);
    EXPECT(q.full() && !q.empty() && q.qsize() == 2 && q.unfinished() == 2);
    EXPECT(q.put(item(3), tq::nowait) == tq::status::full);
    auto got = q.get();
    EXPECT(got && got.status == tq::status::ok && got.item == item(1));
    EXPECT(q.get(tq::nowait).item == item(2));
    got = q.get(tq::nowait);
    EXPECT(!got && got.status == tq::status::empty && got.item == nullptr);
    EXPECT(q.put(nullptr) == tq::status::ok);
    got = q.get(tq::nowait);
    EXPECT(got && got.item == nullptr);
    EXPECT(q.unfinished() == 3 && !q.is_shutdown());
    return true;
}

bool orders() {
    tq::queue lifo(tq::options{tq::order::lifo});
    for (std::intptr_t n = 1; n <= 3; n++) {
        EXPECT(lifo.put(item(n)) == tq::status::ok);
    }
    for (std::intptr_t n = 3; n >= 1; n--) {
        EXPECT(lifo.get(tq::nowait).item == item(n));
    }
    tq::queue prio(tq::options{tq::order::priority});
    EXPECT(prio.put_priority(item(1), 5) == tq::status::ok);
    EXPECT(prio.put_priority(item(2), -1, tq::nowait) == tq::status::ok);
    EXPECT(prio.put_priority(item(3), 5) == tq::status::ok);
    EXPECT(prio.put_priority(item(4), -1) == tq::status::ok);
    EXPECT(prio.put(item(5)) == tq::status::ok);  // priority 0
    for (std::intptr_t n : {2, 4, 5, 1, 3}) {
        EXPECT(prio.get(tq::nowait).item == item(n));
    }
    tq::queue fifo;
    EXPECT(fifo.put_priority(item(1), 0) == tq::status::invalid && fifo.qsize() == 0);
    return true;
}

bool batches() {
    tq::queue q(3);
    void *const in[5] = {item(1), item(2), item(3), item(4), item(5)};
    void *out[5] = {};
    auto r = q.put_many(in, 5, tq::nowait);
    EXPECT(r && r.count == 3);
    r = q.put_many(in + 3, 2, 10ms);
    EXPECT(!r && r.status == tq::status::full && r.count == 0);
    r = q.get_many(out, 2);
    EXPECT(r && r.count == 2 && out[0] == item(1) && out[1] == item(2));
    r = q.get_many(out, 5, 1s);
    EXPECT(r && r.count == 1 && out[0] == item(3));
    r = q.get_many(out, 5, tq::nowait);
    EXPECT(r.status == tq::status::empty && r.count == 0);
    r = q.put_many(in, 0);
    EXPECT(r && r.count == 0);
    EXPECT(q.get_many(nullptr, 1).status == tq::status::invalid);
    EXPECT(q.unfinished() == 3);
    return true;
}

bool tasks_and_join() {
    tq::queue q;
    for (std::intptr_t n = 1; n <= 3; n++) {
        EXPECT(q.put(item(n)) == tq::status::ok);
    }
    EXPECT(q.join(tq::nowait) == tq::status::timeout);
    EXPECT(q.task_done() == tq::status::ok && q.unfinished() == 2);
    EXPECT(q.task_done_n(5) == tq::status::too_many_done && q.unfinished() == 2);
    EXPECT(q.task_done_n(0) == tq::status::ok && q.unfinished() == 2);
    EXPECT(q.task_done_n(2) == tq::status::ok && q.unfinished() == 0);
    EXPECT(q.join(tq::nowait) == tq::status::ok && q.join() == tq::status::ok);
    EXPECT(q.task_done() == tq::status::too_many_done);
    EXPECT(q.put(item(4)) == tq::status::ok && q.put(item(5)) == tq::status::ok);
    EXPECT(q.task_done_all() == 2 && q.unfinished() == 0 && q.qsize() == 5);
    EXPECT(q.join(tq::nowait) == tq::status::ok && q.task_done_all() == 0);
    return true;
}

bool maxsize_and_shutdown() {
    tq::queue q(1);
    EXPECT(q.put(item(1)) == tq::status::ok && q.full());
    EXPECT(q.set_maxsize(2) == tq::status::ok && q.maxsize() == 2 && !q.full());
    EXPECT(q.put(item(2), tq::nowait) == tq::status::ok);
    EXPECT(q.shutdown() == tq::status::ok && q.is_shutdown());
    EXPECT(q.put(item(3)) == tq::status::shutdown);
    EXPECT(q.get().item == item(1) && q.get().item == item(2));
    EXPECT(q.get().status == tq::status::shutdown);
    EXPECT(q.shutdown() == tq::status::ok);

    drops d;
    tq::queue now(counted(d));
    EXPECT(now.put(item(4)) == tq::status::ok && now.put(item(5)) == tq::status::ok);
    EXPECT(now.shutdown(true) == tq::status::ok);
    EXPECT(d.calls == 2 && d.sum == 9 && now.unfinished() == 0 && now.qsize() == 0);
    EXPECT(now.join(tq::nowait) == tq::status::ok && now.get().status == tq::status::shutdown);
    return true;
}

bool threads_wake() {
    tq::queue q;
    tq::status put = tq::status::internal;
    std::thread putter([&] {
        std::this_thread::sleep_for(20ms);
        put = q.put(item(9));
    });
    auto got = q.get();  // forever: woken by the put
    putter.join();
    EXPECT(put == tq::status::ok && got && got.item == item(9));

    tq::status stopped = tq::status::internal;
    std::thread stopper([&] {
        std::this_thread::sleep_for(20ms);
        stopped = q.shutdown();
    });
    got = q.get();  // forever: woken by the shutdown
    stopper.join();
    EXPECT(stopped == tq::status::ok && got.status == tq::status::shutdown);
    return true;
}

bool native_handle_is_the_c_queue() {
    tq::queue q;
    EXPECT(tq_put(q.native_handle(), item(5), TQ_NOWAIT) == TQ_OK);
    EXPECT(q.qsize() == 1 && q.get().item == item(5));
    EXPECT(tq_unfinished(q.native_handle()) == 1);
    return true;
}

bool typed_queue_moves_typed_items() {
    tq::typed_queue<tracked> q(4);
    tracked a(1), b(2), c(3);
    EXPECT(q.put(&a) == tq::status::ok);
    tq::get_result<tracked> got = q.get();
    EXPECT(got && got.item == &a && got.item->id == 1);
    tracked *const in[2] = {&b, &c};
    tracked *out[2] = {};
    EXPECT(q.put_many(in, 2).count == 2 && q.qsize() == 2);
    EXPECT(q.get_many(out, 2).count == 2 && out[0]->id == 2 && out[1]->id == 3);
    EXPECT(q.task_done_n(2) == tq::status::ok && q.task_done_all() == 1);
    EXPECT(q.join(tq::nowait) == tq::status::ok);
    EXPECT(q.put_priority(&a, 1) == tq::status::invalid);

    tq::typed_queue<tracked> prio(0, tq::order::priority);
    EXPECT(prio.put_priority(&a, 2) == tq::status::ok && prio.put_priority(&b, 1) == tq::status::ok);
    EXPECT(prio.get().item == &b && prio.get(tq::nowait).item == &a);

    int before = tracked::live;
    {
        tq::typed_queue<tracked> keeps;  // no deleter: never touches its items
        EXPECT(keeps.put(&c) == tq::status::ok && keeps.shutdown(true) == tq::status::ok);
        EXPECT(keeps.put(&c) == tq::status::shutdown);
    }
    EXPECT(tracked::live == before);
    return true;
}

bool owning_queue_deletes_dropped_items() {
    EXPECT(tracked::live == 0);
    {
        tq::owning_queue<tracked> q;
        for (int n = 1; n <= 3; n++) {
            EXPECT(q.put(new tracked(n)) == tq::status::ok);
        }
        tracked *mine = q.get().item;  // handed out: ours to delete
        EXPECT(mine != nullptr && mine->id == 1);
        delete mine;
        EXPECT(tracked::live == 2);
        EXPECT(q.shutdown(true) == tq::status::ok && tracked::live == 0);
    }
    {
        tq::owning_queue<tracked> a(0, tq::order::lifo);
        EXPECT(a.put(new tracked(1)) == tq::status::ok && a.put(new tracked(2)) == tq::status::ok);
        tq::owning_queue<tracked> b(std::move(a));
        EXPECT(!a && a.put(nullptr) == tq::status::invalid && b.qsize() == 2);
        EXPECT(tracked::live == 2);
    }
    EXPECT(tracked::live == 0);
    return true;
}

const test_case cases[] = {
    {"status mirrors tq_status; to_string is tq_status_str", status_mirrors_c},
    {"timeouts convert to ms rounding up; negative/huge/NaN = forever", timeout_conversion},
    {"timed get/put/join wait at least as long as asked", timed_waits_last_as_asked},
    {"destruction frees the queue and drops queued items", raii_frees_queued_items},
    {"moves transfer ownership; a moved-from queue is inert", moves_transfer_ownership},
    {"put/get and the queries round trip", put_get_and_queries},
    {"lifo and priority orders; put_priority on fifo is invalid", orders},
    {"put_many/get_many", batches},
    {"task_done/task_done_n/task_done_all/join", tasks_and_join},
    {"set_maxsize and shutdown (draining, then immediate)", maxsize_and_shutdown},
    {"blocked gets wake on a put or a shutdown from another thread", threads_wake},
    {"native_handle is the C queue", native_handle_is_the_c_queue},
    {"typed_queue moves T* items and leaves them alone", typed_queue_moves_typed_items},
    {"owning_queue deletes items on shutdown(immediate) and destruction", owning_queue_deletes_dropped_items},
};

}  // namespace

int main() { return tq_test::run_cases(cases); }
