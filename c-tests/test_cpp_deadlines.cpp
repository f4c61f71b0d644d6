// Tests of the deadline (std::chrono::time_point) overloads of
// include/tq.hpp: tq::timeout::until's conversion, and every blocking call
// of tq::queue and tq::typed_queue (and tq::get_any over either) waiting
// until its deadline and no less, a passed deadline never blocking and
// time_point::max() waiting until woken. One line per case; exits non-zero
// if any case fails.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <thread>

#include "cpp_cases.hpp"
#include "tq.hpp"

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

using tq_test::item;
using tq_test::test_case;

// How long a timed wait in these tests lasts at least.
constexpr auto wait = 30ms;

// Shuts a queue down after 10 s unless destroyed first, so that a call
// waiting far longer than its deadline fails its case instead of hanging.
template <class Q>
class watchdog {
public:
    explicit watchdog(Q &q) : thread_([this, &q] {
        std::unique_lock<std::mutex> lock(mutex_);
        if (!woken_.wait_for(lock, 10s, [this] { return dismissed_; })) {
            (void)q.shutdown();
        }
    }) {}
    ~watchdog() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            dismissed_ = true;
        }
        woken_.notify_one();
        thread_.join();
    }
    watchdog(const watchdog &) = delete;
    watchdog &operator=(const watchdog &) = delete;

private:
    std::mutex mutex_;
    std::condition_variable woken_;
    bool dismissed_ = false;
    std::thread thread_;  // last: starts once the members it uses exist
};

// Runs `call(deadline)` with a deadline `wait` from now; true when it
// returned `want` no earlier than the deadline.
template <class F, class R>
bool waits_until_deadline(F call, R want) {
    const auto deadline = steady::now() + wait;
    const R got = call(deadline);
    return got == want && steady::now() >= deadline;
}

bool until_converts_deadlines() {
    using hours_point = std::chrono::time_point<steady, std::chrono::hours>;
    using float_point = std::chrono::time_point<steady, std::chrono::duration<double>>;
    const std::int64_t ten_s = tq::timeout::until(steady::now() + 10s).ms();
    EXPECT(ten_s > 9000 && ten_s <= 10000);
    const std::int64_t wall = tq::timeout::until(std::chrono::system_clock::now() + 10s).ms();
    EXPECT(wall > 9000 && wall <= 10000);
    const std::int64_t floating = tq::timeout::until(float_point(steady::now().time_since_epoch()) + 1s).ms();
    EXPECT(floating > 900 && floating <= 1000);
    EXPECT(tq::timeout::until(steady::now() - 1s).ms() == TQ_NOWAIT);
    EXPECT(tq::timeout::until(steady::now()).ms() == TQ_NOWAIT);
    EXPECT(tq::timeout::until(steady::time_point::min()).ms() == TQ_NOWAIT);
    EXPECT(tq::timeout::until(steady::time_point::max()).ms() > 9'000'000'000'000);  // some 290 years
    // Coarse and extreme time points convert without overflowing.
    EXPECT(tq::timeout::until(hours_point::max()).ms() < 0);
    EXPECT(tq::timeout::until(hours_point::min()).ms() == TQ_NOWAIT);
    return true;
}

bool queue_calls_wait_until_their_deadline() {
    tq::queue q(1);
    watchdog<tq::queue> guard(q);
    void *out[1] = {};
    void *const in[1] = {item(2)};
    using dl = steady::time_point;
    EXPECT(waits_until_deadline([&](dl d) { return q.get(d).status; }, tq::status::empty));
    EXPECT(waits_until_deadline([&](dl d) { return q.get_many(out, 1, d).status; }, tq::status::empty));
    EXPECT(waits_until_deadline([&](dl d) { return tq::get_any({&q, &q}, d).status; }, tq::status::empty));
    EXPECT(q.put(item(1), steady::now() + 1s) == tq::status::ok);
    EXPECT(waits_until_deadline([&](dl d) { return q.put(item(2), d); }, tq::status::full));
    EXPECT(waits_until_deadline([&](dl d) { return q.put_many(in, 1, d).status; }, tq::status::full));
    EXPECT(waits_until_deadline([&](dl d) { return q.join(d); }, tq::status::timeout));

    tq::queue prio(tq::options{tq::order::priority, 1});
    watchdog<tq::queue> prio_guard(prio);
    EXPECT(prio.put_priority(item(1), 3, steady::now() + 1s) == tq::status::ok);
    EXPECT(waits_until_deadline([&](dl d) { return prio.put_priority(item(2), 1, d); }, tq::status::full));
    return true;
}

bool typed_calls_wait_until_their_deadline() {
    tq::typed_queue<int> q(1, tq::order::priority);
    watchdog<tq::typed_queue<int>> guard(q);
    int a = 1, b = 2;
    int *out[1] = {};
    int *const in[1] = {&b};
    using dl = steady::time_point;
    EXPECT(waits_until_deadline([&](dl d) { return q.get(d).status; }, tq::status::empty));
    EXPECT(waits_until_deadline([&](dl d) { return q.get_many(out, 1, d).status; }, tq::status::empty));
    EXPECT(q.put(&a, steady::now() + 1s) == tq::status::ok);
    EXPECT(waits_until_deadline([&](dl d) { return q.put(&b, d); }, tq::status::full));
    EXPECT(waits_until_deadline([&](dl d) { return q.put_priority(&b, 0, d); }, tq::status::full));
    EXPECT(waits_until_deadline([&](dl d) { return q.put_many(in, 1, d).status; }, tq::status::full));
    EXPECT(waits_until_deadline([&](dl d) { return q.join(d); }, tq::status::timeout));
    auto got = q.get(std::chrono::system_clock::now() + 1s);
    EXPECT(got && *got == &a);
    EXPECT(waits_until_deadline([&](dl d) { return tq::get_any({&q}, d).status; }, tq::status::empty));
    return true;
}

bool a_passed_deadline_never_blocks() {
    tq::queue q(1);
    watchdog<tq::queue> guard(q);
    const auto past = steady::now() - 1h;
    const auto start = steady::now();
    EXPECT(q.get(past).status == tq::status::empty);
    EXPECT(q.put(item(1), past) == tq::status::ok);  // room: it still succeeds
    EXPECT(q.put(item(2), past) == tq::status::full);
    EXPECT(q.join(past) == tq::status::timeout);
    auto got = q.get(past);
    EXPECT(got && *got == item(1));
    EXPECT(steady::now() - start < 5s);  // generous: none of them waited for anything
    return true;
}

bool the_farthest_deadline_waits_until_woken() {
    tq::queue q;
    tq::status put = tq::status::internal;
    std::thread putter([&] {
        std::this_thread::sleep_for(wait);
        put = q.put(item(9));
    });
    auto got = q.get(steady::time_point::max());  // forever: woken by the put
    putter.join();
    EXPECT(put == tq::status::ok && got && *got == item(9));
    return true;
}

const test_case cases[] = {
    {"timeout::until: time left, rounded up; passed = nowait; too far = forever", until_converts_deadlines},
    {"queue: every blocking call waits until its deadline, no less", queue_calls_wait_until_their_deadline},
    {"typed_queue: every blocking call waits until its deadline, no less", typed_calls_wait_until_their_deadline},
    {"a deadline that has passed never blocks", a_passed_deadline_never_blocks},
    {"time_point::max() waits until woken", the_farthest_deadline_waits_until_woken},
};

}  // namespace

int main() { return tq_test::run_cases(cases); }
