//! The async calls (`get_async`, `put_async`, `join_async`) under two
//! executors (tokio and futures-executor), on the same queues as blocking
//! calls in both directions, and their cancel safety: a dropped future
//! takes no item, holds no place, and hands on a wake-up it got.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::Duration;

use tq::{GetError, Order, PutError, Queue, Timeout};

const N: u64 = 20_000;

/// Sum of `0..n`: the checksum of every item got exactly once.
fn sum_to(n: u64) -> u64 {
    n * (n - 1) / 2
}

/// A waker that counts its wake-ups.
#[derive(Default)]
struct Count(AtomicUsize);

impl Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

fn counting() -> (Arc<Count>, Waker) {
    let count = Arc::new(Count::default());
    (Arc::clone(&count), Waker::from(count))
}

fn poll_once<F: Future>(f: std::pin::Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
    f.poll(&mut Context::from_waker(waker))
}

#[test]
fn threads_feed_async_consumers_under_tokio() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    for order in [Order::Fifo, Order::Lifo, Order::Priority] {
        let q = Arc::new(Queue::with_order(order, 64));
        let producer = {
            let q = Arc::clone(&q);
            thread::spawn(move || {
                for n in 0..N {
                    q.put(n, Timeout::Forever).unwrap();
                }
                q.shutdown(false);
            })
        };
        let consumers: Vec<_> = (0..4)
            .map(|_| {
                let q = Arc::clone(&q);
                rt.spawn(async move {
                    let (mut sum, mut count) = (0, 0);
                    while let Ok(n) = q.get_async().await {
                        sum += n;
                        count += 1;
                    }
                    (sum, count)
                })
            })
            .collect();
        let (sum, count) = rt.block_on(async {
            let mut total = (0, 0);
            for c in consumers {
                let (s, n) = c.await.unwrap();
                total = (total.0 + s, total.1 + n);
            }
            total
        });
        producer.join().unwrap();
        assert_eq!((sum, count), (sum_to(N), N), "{order:?}: every item exactly once");
    }
}

#[test]
fn async_producers_feed_threads_under_tokio() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let q = Arc::new(Queue::new(16));
    let consumers: Vec<_> = (0..2)
        .map(|_| {
            let q = Arc::clone(&q);
            thread::spawn(move || {
                let mut sum = 0;
                while let Ok(n) = q.get(Timeout::Forever) {
                    sum += n;
                    q.task_done().unwrap();
                }
                sum
            })
        })
        .collect();
    rt.block_on(async {
        let producers: Vec<_> = (0..4u64)
            .map(|p| {
                let q = Arc::clone(&q);
                tokio::spawn(async move {
                    for n in (p..N).step_by(4) {
                        q.put_async(n).await.unwrap();
                    }
                })
            })
            .collect();
        for p in producers {
            p.await.unwrap();
        }
        q.join_async().await;
        assert_eq!(q.unfinished(), 0, "join_async resolved with every task done");
    });
    q.shutdown(false);
    let sum: u64 = consumers.into_iter().map(|c| c.join().unwrap()).sum();
    assert_eq!(sum, sum_to(N));
}

#[test]
fn async_and_blocking_calls_share_a_queue_under_futures_executor() {
    let pool = futures_executor::ThreadPool::builder().pool_size(2).create().unwrap();
    let q = Arc::new(Queue::new(8));
    let (tx, rx) = std::sync::mpsc::channel();
    // Two async consumers and one thread consumer; one async producer and one thread producer.
    for _ in 0..2 {
        let (q, tx) = (Arc::clone(&q), tx.clone());
        pool.spawn_ok(async move {
            let mut sum = 0;
            while let Ok(n) = q.get_async().await {
                sum += n;
            }
            tx.send(sum).unwrap();
        });
    }
    let thread_consumer = {
        let q = Arc::clone(&q);
        thread::spawn(move || std::iter::from_fn(|| q.get(Timeout::Forever).ok()).sum::<u64>())
    };
    let async_producer = {
        let q = Arc::clone(&q);
        thread::spawn(move || {
            futures_executor::block_on(async {
                for n in (0..N).step_by(2) {
                    q.put_async(n).await.unwrap();
                }
            })
        })
    };
    for n in (1..N).step_by(2) {
        q.put(n, Timeout::Forever).unwrap();
    }
    async_producer.join().unwrap();
    q.shutdown(false);
    let sum = thread_consumer.join().unwrap() + rx.recv().unwrap() + rx.recv().unwrap();
    assert_eq!(sum, sum_to(N));
}

#[test]
fn dropped_get_futures_take_no_item() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap();
    let q = Arc::new(Queue::new(0));
    let producer = {
        let q = Arc::clone(&q);
        thread::spawn(move || {
            for n in 0..N {
                q.put(n, Timeout::Forever).unwrap();
                if n % 1000 == 0 {
                    thread::sleep(Duration::from_millis(1));
                }
            }
        })
    };
    let (sum, timeouts) = rt.block_on(async {
        let (mut sum, mut count, mut timeouts) = (0, 0, 0);
        while count < N {
            // Most of these time out while waiting: the future is dropped.
            match tokio::time::timeout(Duration::from_micros(50), q.get_async()).await {
                Ok(got) => {
                    sum += got.unwrap();
                    count += 1;
                }
                Err(_) => timeouts += 1,
            }
        }
        (sum, timeouts)
    });
    producer.join().unwrap();
    assert_eq!(sum, sum_to(N), "no item went to a dropped future ({timeouts} dropped)");
    assert_eq!(q.qsize(), 0);
}

#[test]
fn a_dropped_put_future_never_queues_its_item_and_frees_its_wait() {
    let q = Queue::new(1);
    q.put(0, Timeout::NoWait).unwrap();
    let (count, waker) = counting();
    {
        let mut put = pin!(q.put_async(1));
        assert!(poll_once(put.as_mut(), &waker).is_pending(), "full");
    }
    assert_eq!(q.get(Timeout::NoWait), Ok(0));
    assert_eq!(count.0.load(SeqCst), 0, "the dropped future was taken off the list");
    assert_eq!(
        q.get(Timeout::NoWait),
        Err(GetError::Empty),
        "its item was never queued"
    );
    assert_eq!(q.unfinished(), 1, "only the first put counts");
    // Nothing of the dropped future is left listed: a later put goes through.
    assert_eq!(q.put(2, Timeout::NoWait), Ok(()));
}

#[test]
fn a_wake_up_that_reached_a_dropped_future_goes_to_the_next_waiter() {
    let q = Queue::<u32>::new(0);
    let (first, first_waker) = counting();
    let (second, second_waker) = counting();
    let mut a = Box::pin(q.get_async());
    let mut b = pin!(q.get_async());
    assert!(poll_once(a.as_mut(), &first_waker).is_pending());
    assert!(poll_once(b.as_mut(), &second_waker).is_pending());
    q.put(7, Timeout::NoWait).unwrap();
    assert_eq!(
        (first.0.load(SeqCst), second.0.load(SeqCst)),
        (1, 0),
        "one put, one wake-up, oldest first"
    );
    drop(a);
    assert_eq!(second.0.load(SeqCst), 1, "the dropped future handed its wake-up on");
    assert_eq!(poll_once(b.as_mut(), &second_waker), Poll::Ready(Ok(7)));
}

#[test]
fn shutdown_wakes_pending_futures_with_their_results() {
    let q = Queue::new(1);
    let (woken, waker) = counting();
    let mut get = Box::pin(q.get_async());
    assert!(poll_once(get.as_mut(), &waker).is_pending());
    q.put(1, Timeout::NoWait).unwrap();
    assert_eq!(poll_once(get.as_mut(), &waker), Poll::Ready(Ok(1)));
    let mut get = Box::pin(q.get_async());
    assert!(poll_once(get.as_mut(), &waker).is_pending());
    q.put(2, Timeout::NoWait).unwrap();
    let got = poll_once(get.as_mut(), &waker);
    assert_eq!(got, Poll::Ready(Ok(2)));
    q.put(3, Timeout::NoWait).unwrap();
    let mut put = Box::pin(q.put_async(4));
    let mut join = Box::pin(q.join_async());
    let mut get = Box::pin(q.get_async());
    assert!(poll_once(put.as_mut(), &waker).is_pending(), "full");
    assert!(poll_once(join.as_mut(), &waker).is_pending(), "three tasks unfinished");
    let before = woken.0.load(SeqCst);
    assert_eq!(q.shutdown(true), [3]);
    assert!(woken.0.load(SeqCst) >= before + 2, "the put and the join were woken");
    assert_eq!(poll_once(put.as_mut(), &waker), Poll::Ready(Err(PutError::ShutDown(4))));
    q.task_done_n(2).unwrap();
    assert_eq!(poll_once(join.as_mut(), &waker), Poll::Ready(()));
    assert_eq!(poll_once(get.as_mut(), &waker), Poll::Ready(Err(GetError::ShutDown)));
}

#[test]
fn join_async_resolves_at_the_last_task_done() {
    let q = Queue::new(0);
    q.put_many([1, 2], Timeout::NoWait).unwrap();
    let (woken, waker) = counting();
    let mut join = pin!(q.join_async());
    assert!(poll_once(join.as_mut(), &waker).is_pending());
    q.task_done().unwrap();
    assert_eq!(woken.0.load(SeqCst), 0, "one task still unfinished");
    q.task_done().unwrap();
    assert_eq!(woken.0.load(SeqCst), 1);
    assert_eq!(poll_once(join.as_mut(), &waker), Poll::Ready(()));
}

#[test]
fn a_completed_future_polled_again_panics_rather_than_take_another_item() {
    let q = Queue::new(0);
    q.put_many([1, 2], Timeout::NoWait).unwrap();
    let (_, waker) = counting();
    let mut get = Box::pin(q.get_async());
    assert_eq!(poll_once(get.as_mut(), &waker), Poll::Ready(Ok(1)));
    let again = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| poll_once(get.as_mut(), &waker)));
    assert!(again.is_err());
    assert_eq!(q.qsize(), 1, "the second item stays queued");
}

/// A waker that, when woken, looks at the queue (as one that re-polls
/// inline or logs the queue's size would) and reports what it saw.
struct Looks(&'static Queue<u32>, std::sync::mpsc::Sender<usize>);

impl Wake for Looks {
    fn wake(self: Arc<Self>) {
        let _ = self.1.send(self.0.qsize());
    }
}

/// Runs `f` on another thread; `false` if it has not returned after 10 s.
fn returns(f: impl FnOnce() + Send + 'static) -> bool {
    let (done, finished) = std::sync::mpsc::channel();
    thread::spawn(move || {
        f();
        done.send(()).unwrap();
    });
    finished.recv_timeout(Duration::from_secs(10)).is_ok()
}

/// Suspicion from review: wakers were woken with the queue's lock held, so a
/// `wake` that calls back into the queue deadlocked the put that woke it.
/// They are woken once the lock is released, on every path.
#[test]
fn a_waker_may_call_back_into_the_queue() {
    let puts: [fn(&Queue<u32>); 3] = [
        |q| q.put(1, Timeout::NoWait).unwrap(), // lock-free, into the ring
        |q| assert_eq!(q.put_many([1], Timeout::NoWait), Ok(1)), // with the lock
        |q| {
            let mut put = pin!(q.put_async(1));
            assert!(poll_once(put.as_mut(), Waker::noop()).is_ready());
        },
    ];
    for (n, put) in puts.into_iter().enumerate() {
        let q: &'static Queue<u32> = Box::leak(Box::new(Queue::with_order(Order::Fifo, 0)));
        let (seen, saw) = std::sync::mpsc::channel();
        let waker = Waker::from(Arc::new(Looks(q, seen)));
        let mut get = Box::pin(q.get_async());
        assert!(poll_once(get.as_mut(), &waker).is_pending());
        if !returns(move || put(q)) {
            std::mem::forget(get); // its drop would wait for the lock forever
            panic!("put #{n} never returned: its wake-up ran under the lock");
        }
        assert_eq!(saw.recv().unwrap(), 1, "put #{n}: the waker saw the item");
    }
}

/// A waker whose `wake` drops its task's pending future (as async-task does
/// with a dropped `Runnable`): the future leaves the queue from inside the
/// wake-up, and must be able to.
#[test]
fn a_future_may_be_dropped_inside_its_wake() {
    struct DropsTask(std::sync::Mutex<Option<std::pin::Pin<Box<tq::GetFuture<'static, u32>>>>>);
    impl Wake for DropsTask {
        fn wake(self: Arc<Self>) {
            self.0.lock().unwrap().take();
        }
    }
    let q: &'static Queue<u32> = Box::leak(Box::new(Queue::new(0)));
    let task = Arc::new(DropsTask(std::sync::Mutex::new(Some(Box::pin(q.get_async())))));
    let waker = Waker::from(Arc::clone(&task));
    {
        let mut slot = task.0.lock().unwrap();
        assert!(poll_once(slot.as_mut().unwrap().as_mut(), &waker).is_pending());
    }
    drop(waker);
    // A second waiter, to whom the dropped future hands its wake-up on.
    let (woken, other_waker) = counting();
    let mut other = Box::pin(q.get_async());
    assert!(poll_once(other.as_mut(), &other_waker).is_pending());
    let finished = returns(move || q.put(1, Timeout::NoWait).unwrap());
    if !finished {
        std::mem::forget(other); // its drop would wait for the lock forever
        panic!("the put never returned: the future dropped inside wake() took the lock");
    }
    assert_eq!(woken.0.load(SeqCst), 1, "the wake-up went on to the other waiter");
    assert_eq!(poll_once(other.as_mut(), &other_waker), Poll::Ready(Ok(1)));
}
