//! Channels that carry every message type as one boxed type, so that std's channel code is
//! compiled once for the crate instead of once per message type: each `mpsc::channel::<T>()`
//! instantiates its list, array and zero-capacity flavours, and the five message types here
//! cost a user's clean build about 5% of this library's optimisation time
//! (docs/build-time.md). A message is one allocation more, on paths that are not timed.

use std::any::Any;
use std::marker::PhantomData;
use std::sync::mpsc;
use std::time::Duration;

pub use std::sync::mpsc::{RecvError, RecvTimeoutError};

type Message = Box<dyn Any + Send>;

/// The sending half of a [`channel`] of `T`.
pub struct Sender<T> {
    inner: mpsc::Sender<Message>,
    carries: PhantomData<fn(T)>,
}

/// The receiving half of a [`channel`] of `T`.
pub struct Receiver<T> {
    inner: mpsc::Receiver<Message>,
    carries: PhantomData<fn() -> T>,
}

/// A new unbounded channel of `T`, as [`std::sync::mpsc::channel`].
pub fn channel<T: Send + 'static>() -> (Sender<T>, Receiver<T>) {
    let (tx, rx) = mpsc::channel();
    let sender = Sender {
        inner: tx,
        carries: PhantomData,
    };
    let receiver = Receiver {
        inner: rx,
        carries: PhantomData,
    };
    (sender, receiver)
}

impl<T: Send + 'static> Sender<T> {
    /// Sends `value`; when the receiver is gone, gives it back.
    pub fn send(&self, value: T) -> Result<(), T> {
        self.inner.send(Box::new(value)).map_err(|e| open(e.0))
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        Sender {
            inner: self.inner.clone(),
            carries: PhantomData,
        }
    }
}

impl<T: 'static> Receiver<T> {
    /// The next value, waiting for it; `Err` once every sender is gone.
    pub fn recv(&self) -> Result<T, RecvError> {
        self.inner.recv().map(open)
    }

    /// The next value, waiting up to `timeout` for it.
    pub fn recv_timeout(&self, timeout: Duration) -> Result<T, RecvTimeoutError> {
        self.inner.recv_timeout(timeout).map(open)
    }
}

/// The value in `message`, which a `Sender<T>` boxed.
fn open<T: 'static>(message: Message) -> T {
    *message
        .downcast::<T>()
        .expect("a channel carries values of its one type only")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_arrive_in_order_and_a_gone_receiver_gives_the_value_back() {
        let (tx, rx) = channel::<String>();
        let tx2 = tx.clone();
        tx.send("a".into()).unwrap();
        tx2.send("b".into()).unwrap();
        assert_eq!(rx.recv().unwrap(), "a");
        assert_eq!(rx.recv_timeout(Duration::from_millis(1)).unwrap(), "b");
        assert_eq!(
            rx.recv_timeout(Duration::from_millis(1)),
            Err(RecvTimeoutError::Timeout)
        );
        drop((tx, tx2));
        assert_eq!(rx.recv(), Err(RecvError));
        let (tx, rx) = channel::<Vec<u8>>();
        drop(rx);
        assert_eq!(tx.send(vec![7]), Err(vec![7]));
    }
}
