// Tests of waiting beside other work in include/tq.hpp: get_fd()/put_fd()
// poll readable exactly while a get / a put would not block (checked with
// poll(2), also beside another thread), status::system when the OS refuses
// a descriptor, and tq::get_any taking from the right queue, passing over
// shut down ones and rejecting bad entries. One line per case; exits
// non-zero if any case fails.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <thread>
#include <utility>
#include <vector>

#include <poll.h>
#include <sys/resource.h>

#include "cpp_cases.hpp"
#include "tq.hpp"

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

using tq_test::item;
using tq_test::test_case;

// Whether `fd` polls readable within `timeout_ms` (0: now).
bool readable(int fd, int timeout_ms = 0) {
    pollfd p{fd, POLLIN, 0};
    return poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN) != 0;
}

// A wait that should not time out: long enough never to by accident on a
// loaded machine, short enough that a bug fails the case instead of hanging.
constexpr int patient_ms = 10000;
constexpr tq::timeout patient{std::chrono::milliseconds(patient_ms)};

bool get_fd_follows_the_items() {
    tq::queue q;
    const tq::fd_result r = q.get_fd();
    EXPECT(r && r.fd >= 0 && q.get_fd().fd == r.fd);  // the same one each time
    int c_fd = -1;
    EXPECT(tq_get_fd(q.native_handle(), &c_fd) == TQ_OK && c_fd == r.fd);
    EXPECT(!readable(r.fd));
    EXPECT(q.put(item(1)) == tq::status::ok && readable(r.fd));
    EXPECT(q.put(item(2)) == tq::status::ok && readable(r.fd));
    EXPECT(q.get(tq::nowait).item == item(1) && readable(r.fd));
    EXPECT(q.get(tq::nowait).item == item(2));
    const auto start = steady::now();
    EXPECT(!readable(r.fd, 30));  // emptied: a timed poll waits it out
    EXPECT(steady::now() - start >= 25ms);
    EXPECT(q.shutdown() == tq::status::ok && readable(r.fd));  // a get would not block now
    EXPECT(q.get(tq::nowait).status == tq::status::shutdown);
    return true;
}

bool put_fd_follows_the_room() {
    tq::typed_queue<int> q(2);
    int a = 1, b = 2;
    const int fd = q.put_fd().value();
    EXPECT(fd != q.get_fd().value());
    EXPECT(readable(fd));
    EXPECT(q.put(&a) == tq::status::ok && readable(fd));
    EXPECT(q.put(&b) == tq::status::ok && !readable(fd));  // full
    EXPECT(q.get(tq::nowait).item == &a && readable(fd));
    EXPECT(q.put(&a) == tq::status::ok && !readable(fd));
    EXPECT(q.set_maxsize(3) == tq::status::ok && readable(fd));
    EXPECT(q.set_maxsize(2) == tq::status::ok && !readable(fd));
    EXPECT(q.shutdown() == tq::status::ok && readable(fd));  // a put would not block now
    return true;
}

bool pollers_on_both_sides_move_every_item() {
    constexpr std::intptr_t count = 500;
    tq::queue q(2);
    const int get_fd = q.get_fd().value();
    const int put_fd = q.put_fd().value();
    bool producer_ok = true;
    std::thread producer([&] {
        // Waits on put_fd for room, then puts without blocking until full.
        for (std::intptr_t n = 1; n <= count && producer_ok;) {
            producer_ok = readable(put_fd, patient_ms);
            while (n <= count && q.put(item(n), tq::nowait) == tq::status::ok) {
                n++;
            }
        }
        producer_ok = producer_ok && q.shutdown() == tq::status::ok;
    });
    // Waits on get_fd for an item, then gets without blocking until empty.
    std::vector<std::intptr_t> got;
    bool polled = true;
    for (;;) {
        polled = readable(get_fd, patient_ms);
        auto r = q.get(tq::nowait);
        for (; r; r = q.get(tq::nowait)) {
            got.push_back(reinterpret_cast<std::intptr_t>(*r));
        }
        if (!polled || r.status == tq::status::shutdown) {
            break;
        }
    }
    producer.join();
    EXPECT(producer_ok && polled);
    EXPECT(got.size() == static_cast<std::size_t>(count));
    for (std::size_t i = 0; i < got.size(); i++) {
        EXPECT(got[i] == static_cast<std::intptr_t>(i) + 1);
    }
    return true;
}

bool a_refused_descriptor_is_status_system() {
    tq::queue q;
    rlimit saved{};
    EXPECT(getrlimit(RLIMIT_NOFILE, &saved) == 0);
    rlimit none = saved;
    none.rlim_cur = 0;  // no new descriptor at all
    EXPECT(setrlimit(RLIMIT_NOFILE, &none) == 0);
    const tq::fd_result refused = q.get_fd();
    const tq::fd_result refused_put = q.put_fd();
    EXPECT(setrlimit(RLIMIT_NOFILE, &saved) == 0);
    EXPECT(!refused && refused.status == tq::status::system && refused.fd == -1);
    EXPECT(refused_put.status == tq::status::system && refused_put.fd == -1);
    // Nothing changed: the queue works, and a later call makes the descriptor.
    EXPECT(q.put(item(1)) == tq::status::ok);
    const tq::fd_result made = q.get_fd();
    EXPECT(made && readable(made.fd));
    return true;
}

bool get_any_takes_from_the_queue_that_has_items() {
    tq::queue a, b, c;
    EXPECT(b.put(item(7)) == tq::status::ok);
    tq::any_result<void> r = tq::get_any({&a, &b, &c}, tq::nowait);
    EXPECT(r && r.index == 1 && *r == item(7) && b.qsize() == 0);
    EXPECT(b.task_done() == tq::status::ok && a.task_done() == tq::status::too_many_done);
    r = tq::get_any({&a, &b, &c}, tq::nowait);
    EXPECT(!r && r.status == tq::status::empty && r.index == 0 && r.item == nullptr);

    // Each queue keeps its own order; the index names the source.
    EXPECT(a.put(item(1)) == tq::status::ok && a.put(item(2)) == tq::status::ok);
    EXPECT(c.put(item(3)) == tq::status::ok && c.put(item(4)) == tq::status::ok);
    std::vector<void *> from_a, from_c;
    for (int i = 0; i < 4; i++) {
        r = tq::get_any({&a, &b, &c}, tq::nowait);
        EXPECT(r && (r.index == 0 || r.index == 2));
        (r.index == 0 ? from_a : from_c).push_back(*r);
    }
    EXPECT(from_a == std::vector<void *>({item(1), item(2)}));
    EXPECT(from_c == std::vector<void *>({item(3), item(4)}));

    // The same queue twice is fine; the index is one of its places.
    EXPECT(a.put(item(5)) == tq::status::ok);
    r = tq::get_any({&a, &a}, tq::nowait);
    EXPECT(r && *r == item(5) && r.index < 2);
    return true;
}

bool get_any_starves_no_queue() {
    tq::queue a, b;
    for (std::intptr_t n = 1; n <= 20; n++) {
        EXPECT(a.put(item(n)) == tq::status::ok && b.put(item(n)) == tq::status::ok);
    }
    int taken[2] = {0, 0};
    for (int i = 0; i < 20; i++) {
        auto r = tq::get_any({&a, &b}, tq::nowait);
        EXPECT(r && r.index < 2);
        taken[r.index]++;
    }
    EXPECT(taken[0] > 0 && taken[1] > 0);
    return true;
}

bool typed_get_any_hands_out_typed_items() {
    struct job {
        int id;
    };
    tq::typed_queue<job> low, high(0, tq::order::priority);
    job j{4};
    EXPECT(high.put_priority(&j, 1) == tq::status::ok);
    tq::any_result<job> r = tq::get_any({&low, &high}, tq::nowait);
    EXPECT(r && r.index == 1 && r->id == 4 && r.value() == &j);
    tq::owning_queue<job> owned;
    EXPECT(owned.put(new job{5}) == tq::status::ok);
    auto mine = tq::get_any({&owned}, tq::nowait);
    EXPECT(mine && mine->id == 5 && owned.qsize() == 0);
    delete *mine;
    return true;
}

bool get_any_passes_over_shut_down_queues() {
    tq::queue a, b;
    EXPECT(a.put(item(1)) == tq::status::ok && a.shutdown() == tq::status::ok);
    auto r = tq::get_any({&a, &b}, tq::nowait);  // shut down, not drained: still gives
    EXPECT(r && r.index == 0 && *r == item(1));
    const auto start = steady::now();
    r = tq::get_any({&a, &b}, 30ms);  // a is drained, b may still produce
    EXPECT(r.status == tq::status::empty && steady::now() - start >= 25ms);

    tq::status put = tq::status::internal;
    std::thread putter([&] {
        std::this_thread::sleep_for(20ms);
        put = b.put(item(2));
    });
    r = tq::get_any({&a, &b}, patient);  // woken by the put to b
    putter.join();
    EXPECT(put == tq::status::ok && r && r.index == 1 && *r == item(2));

    tq::status stopped = tq::status::internal;
    std::thread stopper([&] {
        std::this_thread::sleep_for(20ms);
        stopped = b.shutdown();
    });
    r = tq::get_any({&a, &b}, patient);  // woken by the last shutdown
    stopper.join();
    EXPECT(stopped == tq::status::ok && r.status == tq::status::shutdown && r.index == 0);
    return true;
}

bool get_any_rejects_bad_entries() {
    tq::queue a, b;
    EXPECT(a.put(item(1)) == tq::status::ok);
    tq::queue *with_null[] = {&a, nullptr};
    const auto start = steady::now();
    auto r = tq::get_any(with_null, patient);
    EXPECT(r.status == tq::status::invalid && r.item == nullptr && r.index == 0);
    tq::queue moved_to(std::move(b));
    r = tq::get_any({&a, &b}, patient);
    EXPECT(r.status == tq::status::invalid);
    EXPECT(steady::now() - start < 5s);  // generous: invalid at once, no wait
    EXPECT(a.qsize() == 1 && a.unfinished() == 1);  // nothing was taken
    tq::typed_queue<int> typed;
    tq::typed_queue<int> typed_moved_to(std::move(typed));
    EXPECT(tq::get_any({&typed}, patient).status == tq::status::invalid);
    return true;
}

const test_case cases[] = {
    {"get_fd polls readable exactly while an item is queued or after shutdown", get_fd_follows_the_items},
    {"put_fd polls readable exactly while there is room or after shutdown", put_fd_follows_the_room},
    {"a poller on put_fd and one on get_fd move every item, in order", pollers_on_both_sides_move_every_item},
    {"a descriptor the OS refuses is status::system and changes nothing", a_refused_descriptor_is_status_system},
    {"get_any takes from the queue with items, in its order, and says which", get_any_takes_from_the_queue_that_has_items},
    {"get_any over two full queues takes from both", get_any_starves_no_queue},
    {"get_any over typed queues hands out T *", typed_get_any_hands_out_typed_items},
    {"get_any passes over drained shut down queues, then returns shutdown", get_any_passes_over_shut_down_queues},
    {"get_any with a nullptr or moved-from entry is invalid and takes nothing", get_any_rejects_bad_entries},
};

}  // namespace

int main() { return tq_test::run_cases(cases); }
