// The classic producer/consumer scenario (the demo, examples/producer_consumer.c) through
// include/tq.hpp and std::thread: a producer puts items 1..5, a consumer
// gets and processes each and marks it done, main joins the producer and
// then join()s the queue. Checks every item arrives exactly once, in
// order, and that join() returned only after the last task_done().

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "tq.hpp"

using namespace std::chrono_literals;

// Ends the test as failed, saying which expectation did not hold.
#define EXPECT(cond)                                                              \
    do {                                                                          \
        if (!(cond)) {                                                            \
            std::printf("FAIL line %d: expected %s\n", __LINE__, #cond);          \
            return 1;                                                             \
        }                                                                         \
    } while (0)

int main() {
    std::array<int, 5> items = {1, 2, 3, 4, 5};
    tq::typed_queue<int> q;
    std::vector<int> processed;        // written by the consumer only
    std::atomic<std::size_t> done{0};  // counted just before each task_done
    bool consumer_ok = true;           // every task_done succeeded

    std::thread producer([&] {
        for (int &n : items) {
            std::printf("Inserting item %d into the queue\n", n);
            if (q.put(&n) != tq::status::ok) {
                return;  // shows up as a missing item below
            }
            std::this_thread::sleep_for(5ms);
        }
    });
    std::thread consumer([&] {
        for (auto got = q.get(); got; got = q.get()) {  // until shut down
            std::printf("Processing item %d\n", *got.item);
            processed.push_back(*got.item);
            std::this_thread::sleep_for(10ms);  // the work
            done++;
            consumer_ok = q.task_done() == tq::status::ok && consumer_ok;
        }
    });

    producer.join();
    tq::status joined = q.join(10s);  // generous: a hang becomes a failure
    std::size_t done_at_join = done.load();
    if (joined == tq::status::ok) {
        std::printf("All items processed\n");
    }
    tq::status stopped = q.shutdown();  // ends the consumer's loop
    consumer.join();

    EXPECT(joined == tq::status::ok && stopped == tq::status::ok && consumer_ok);
    EXPECT(done_at_join == items.size());
    EXPECT(processed == std::vector<int>(items.begin(), items.end()));
    EXPECT(q.unfinished() == 0 && q.empty());
    EXPECT(q.get(tq::nowait).status == tq::status::shutdown);
    std::printf("ok   producer/consumer: 5 items once each, in order; join after the last task_done\n");
    return 0;
}
