//! QuDAG network suite: onion routing (ML-KEM-768 + HKDF-SHA256 + ChaCha20-Poly1305, fixed
//! 4096-byte cells) at 1 to 7 hops, signed messages (encoding + ML-DSA-65), a tokio mpsc
//! channel, loopback TCP on 127.0.0.1 (1 KiB round trip, bulk stream) and a post-quantum
//! handshake. Every benchmark checks its result outside the timed region: peeled payloads equal
//! the original, signatures verify (and an altered message does not), echoes equal requests,
//! every streamed byte arrives, and both sides of the handshake derive the same key. Servers
//! and runtimes are started in setup and stopped in teardown; nothing sleeps.
//!
//! Tags: `fast` marks benchmarks whose iteration takes well under 100 µs (channel, TCP);
//! `slow` marks those of hundreds of microseconds or more (everything running ML-KEM or
//! ML-DSA).

use qudag_suites::crypto;

/// Deterministic bytes (not all equal, so nothing can be special-cased).
fn pattern(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i.wrapping_mul(31) ^ (i >> 7)) as u8)
        .collect()
}

mod onion {
    use super::{crypto, pattern};
    use qudag_bench::{Bencher, black_box, qudag_bench};
    use qudag_suites::crypto::KemKeyPair;
    use qudag_suites::onion::{self as route, Hop, Packet};

    /// Payload carried by every packet (the cell is 4096 bytes whatever the payload).
    const PAYLOAD: usize = 1024;

    /// The hops' key pairs, the sender's view of the route, and the sender's RNG.
    fn relays(hops: usize) -> (Vec<KemKeyPair>, Vec<Hop>, crypto::Rng) {
        let mut rng = crypto::rng(0x0_01e7 + hops as u64);
        let (keypairs, hops) = route::random_route(hops, &mut rng);
        (keypairs, hops, rng)
    }

    /// Peels at every hop and checks the exit's payload.
    fn check(keypairs: &[KemKeyPair], packet: &Packet, payload: &[u8]) {
        assert_eq!(packet.as_bytes().len(), route::PACKET_LEN);
        let path: Vec<&KemKeyPair> = keypairs.iter().collect();
        let peeled = route::peel_path(&path, packet).expect("peeling failed");
        assert_eq!(peeled, payload, "peeled payload differs from the original");
    }

    /// Builds a packet: per hop one ML-KEM-768 encapsulation, HKDF, two ChaCha20-Poly1305
    /// seals, fixed 4096-byte cell.
    #[qudag_bench(args = [1, 3, 5, 7], tags = ["onion", "ml-kem", "post-quantum", "slow"])]
    fn build(b: &mut Bencher, hops: usize) {
        let (keypairs, onion_route, mut rng) = relays(hops);
        let payload = pattern(PAYLOAD);
        check(
            &keypairs,
            &route::build(&onion_route, &payload, &mut rng),
            &payload,
        );
        b.throughput_elements(1);
        b.iter(|| route::build(black_box(&onion_route), black_box(&payload), &mut rng));
        // Teardown: the RNG state after thousands of builds still yields good packets.
        check(
            &keypairs,
            &route::build(&onion_route, &payload, &mut rng),
            &payload,
        );
    }

    /// Peels a packet at every hop in turn (per hop one ML-KEM-768 decapsulation, HKDF, two
    /// ChaCha20-Poly1305 opens), ending with the exit's payload.
    #[qudag_bench(args = [1, 3, 5, 7], tags = ["onion", "ml-kem", "post-quantum", "slow"])]
    fn peel(b: &mut Bencher, hops: usize) {
        let (keypairs, onion_route, mut rng) = relays(hops);
        let payload = pattern(PAYLOAD);
        let packet = route::build(&onion_route, &payload, &mut rng);
        check(&keypairs, &packet, &payload);
        let path: Vec<&KemKeyPair> = keypairs.iter().collect();
        b.throughput_elements(1);
        b.iter(|| route::peel_path(black_box(&path), black_box(&packet)).expect("peel"));
    }
}

mod message {
    use super::{crypto, pattern};
    use qudag_bench::{Bencher, black_box, qudag_bench};
    use qudag_suites::crypto::DsaKeyPair;
    use qudag_suites::wire::{Message, SignedMessage, WireError};

    /// ML-DSA signing time depends on the message (rejection sampling loops a
    /// message-dependent number of times), so `sign` cycles through this many messages.
    const MESSAGES: u64 = 32;

    /// A sender's key pair and `MESSAGES` messages of `len` bytes (differing in timestamp).
    fn sender(len: usize) -> (DsaKeyPair, Vec<Message>) {
        let keypair = DsaKeyPair::generate(&mut crypto::rng(0x5167 + len as u64));
        let messages = (0..MESSAGES)
            .map(|i| {
                let ts = 1_700_000_000_000 + i;
                Message::new(keypair.public().to_bytes(), ts, pattern(len))
            })
            .collect();
        (keypair, messages)
    }

    /// Full check of a signed message's wire form: it verifies and decodes to `message`, and
    /// altering one payload byte makes verification fail.
    fn check(wire: &[u8], message: &Message) {
        let signed = SignedMessage::from_bytes(wire).expect("parse");
        assert_eq!(&signed.verify().expect("verify"), message);
        let mut altered = wire.to_vec();
        let last = altered.len() - 3400; // inside the payload, before the 3309-byte signature
        altered[last] ^= 1;
        let result = SignedMessage::from_bytes(&altered).and_then(|s| s.verify());
        assert_eq!(result.unwrap_err(), WireError::BadSignature);
    }

    /// Serialises a message and signs it with ML-DSA-65, then frames it for the wire (cycling
    /// through `MESSAGES` messages of the same size).
    #[qudag_bench(args = [512, 4096, 65536], tags = ["ml-dsa", "post-quantum", "slow"])]
    fn sign(b: &mut Bencher, len: usize) {
        let (keypair, messages) = sender(len);
        check(
            &SignedMessage::sign(&messages[0], &keypair).to_bytes(),
            &messages[0],
        );
        let mut next = messages.iter().cycle();
        b.throughput_bytes(len as u64);
        b.iter(|| {
            let message = next.next().expect("cycle");
            SignedMessage::sign(black_box(message), &keypair).to_bytes()
        });
        // Teardown: the next message in the cycle signs and verifies too.
        let message = next.next().expect("cycle");
        check(&SignedMessage::sign(message, &keypair).to_bytes(), message);
    }

    /// Parses a signed message's wire form, decodes the message and verifies its ML-DSA-65
    /// signature with the sender key it carries.
    #[qudag_bench(args = [512, 4096, 65536], tags = ["ml-dsa", "post-quantum", "slow"])]
    fn verify(b: &mut Bencher, len: usize) {
        let (keypair, messages) = sender(len);
        let wire = SignedMessage::sign(&messages[0], &keypair).to_bytes();
        check(&wire, &messages[0]);
        b.throughput_bytes(len as u64);
        b.iter(|| {
            SignedMessage::from_bytes(black_box(&wire))
                .and_then(|s| s.verify())
                .expect("verify")
        });
    }
}

mod channel {
    use qudag_bench::{Bencher, black_box, qudag_bench};
    use std::time::{Duration, Instant};
    use tokio::sync::mpsc;

    /// Channel capacity: the producer runs ahead by at most this many messages.
    const CAPACITY: usize = 1024;

    /// A 64-byte message.
    struct Msg {
        seq: u64,
        body: [u8; 56],
    }

    /// Throughput of a bounded tokio mpsc channel between two tasks on a two-worker runtime
    /// (built once in setup): the producer task sends `iters` messages, the consumer (the
    /// `block_on` future) receives them; one iteration is one message.
    #[qudag_bench(tags = ["tokio", "fast"])]
    fn mpsc(b: &mut Bencher) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .expect("tokio runtime");
        // Per call: (elapsed, received count, sum of sequence numbers, sum of body bytes).
        let run = |iters: u64| -> (Duration, u64, u64, u64) {
            runtime.block_on(async move {
                let (tx, mut rx) = mpsc::channel::<Msg>(CAPACITY);
                let start = Instant::now();
                let producer = tokio::spawn(async move {
                    for seq in 0..iters {
                        let msg = Msg {
                            seq,
                            body: [seq as u8; 56],
                        };
                        if tx.send(msg).await.is_err() {
                            break;
                        }
                    }
                });
                let consumer = tokio::spawn(async move {
                    let (mut count, mut seqs, mut bytes) = (0u64, 0u64, 0u64);
                    while let Some(msg) = rx.recv().await {
                        count += 1;
                        seqs = seqs.wrapping_add(msg.seq);
                        bytes = bytes.wrapping_add(u64::from(black_box(msg.body)[55]));
                    }
                    (count, seqs, bytes)
                });
                producer.await.expect("producer task");
                let (count, seqs, bytes) = consumer.await.expect("consumer task");
                (start.elapsed(), count, seqs, bytes)
            })
        };
        let check = |iters: u64, count: u64, seqs: u64, bytes: u64| {
            assert_eq!(count, iters, "messages lost");
            assert_eq!(
                seqs,
                iters * iters.saturating_sub(1) / 2,
                "messages altered"
            );
            let expected: u64 = (0..iters).map(|s| u64::from(s as u8)).sum();
            assert_eq!(bytes, expected, "message bodies altered");
        };
        let (_, count, seqs, bytes) = run(10_000);
        check(10_000, count, seqs, bytes);
        b.throughput_elements(1);
        b.iter_custom(|iters| {
            let (elapsed, count, seqs, bytes) = run(iters);
            // After the clock stopped: every message arrived intact.
            check(iters, count, seqs, bytes);
            elapsed
        });
        runtime.shutdown_timeout(Duration::from_secs(5));
    }
}

mod tcp {
    use qudag_bench::{Bencher, black_box, qudag_bench};
    use std::io::{Read, Write};
    use std::net::{Shutdown, TcpListener, TcpStream};
    use std::thread::{self, JoinHandle};
    use std::time::{Duration, Instant};

    /// Request and response size of the round trip.
    const MESSAGE: usize = 1024;
    /// Bytes per write of the stream benchmark.
    const CHUNK: usize = 64 * 1024;
    /// Every streamed byte has this value, so the server checks each one cheaply.
    const FILL: u8 = 0xa5;
    /// A read that blocks longer than this means the peer died: fail instead of hanging.
    const IO_TIMEOUT: Duration = Duration::from_secs(10);

    /// A listener on an ephemeral loopback port, a server thread running `serve` on its first
    /// connection, and a connected client.
    fn connect<T: Send + 'static>(
        serve: impl FnOnce(TcpStream) -> T + Send + 'static,
    ) -> (TcpStream, JoinHandle<T>) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let server = thread::Builder::new()
            .name("tcp-server".into())
            .spawn(move || {
                let (conn, _) = listener.accept().expect("accept");
                conn.set_nodelay(true).expect("nodelay");
                conn.set_read_timeout(Some(IO_TIMEOUT)).expect("timeout");
                serve(conn)
            })
            .expect("spawn server");
        let client = TcpStream::connect(addr).expect("connect");
        client.set_nodelay(true).expect("nodelay");
        client.set_read_timeout(Some(IO_TIMEOUT)).expect("timeout");
        (client, server)
    }

    /// Latency of a 1 KiB request and its 1 KiB echo over a persistent 127.0.0.1 connection
    /// (TCP_NODELAY, blocking std sockets, echo server thread).
    #[qudag_bench(tags = ["io", "tcp", "fast"])]
    fn round_trip(b: &mut Bencher) {
        let (mut client, server) = connect(|mut conn| {
            let mut buf = [0u8; MESSAGE];
            let mut echoed = 0u64;
            // Echo whole messages until the client closes the connection.
            while conn.read_exact(&mut buf).is_ok() {
                conn.write_all(&buf).expect("server write");
                echoed += 1;
            }
            echoed
        });
        let mut request = super::pattern(MESSAGE);
        let mut response = vec![0u8; MESSAGE];
        let mut sent = 0u64;
        let mut exchange = |request: &mut Vec<u8>, response: &mut Vec<u8>| {
            // A counter in the request, so a stale or replayed echo cannot pass the check.
            sent += 1;
            request[..8].copy_from_slice(&sent.to_le_bytes());
            client.write_all(request).expect("client write");
            client.read_exact(response).expect("client read");
        };
        exchange(&mut request, &mut response);
        assert_eq!(response, request, "echo differs from the request");
        b.throughput_bytes(2 * MESSAGE as u64);
        b.iter(|| exchange(black_box(&mut request), &mut response));
        // Teardown: the last echo is right, then stop the server.
        assert_eq!(response, request, "echo differs from the request");
        client.shutdown(Shutdown::Both).expect("shutdown");
        let echoed = server.join().expect("server thread");
        assert_eq!(echoed, sent, "server echoed a different number of messages");
    }

    /// Bulk throughput of one 127.0.0.1 connection: 64 KiB writes, drained by a server thread
    /// that checks every byte. Each sample announces its byte count (untimed), writes `iters`
    /// chunks and waits for the server's acknowledgement that all of them arrived, so the time
    /// is delivered throughput (plus one acknowledgement per sample), not copies into socket
    /// buffers.
    #[qudag_bench(tags = ["io", "tcp", "fast"])]
    fn stream(b: &mut Bencher) {
        let (mut client, server) = connect(|mut conn| {
            let mut buf = vec![0u8; 256 * 1024];
            let expected = vec![FILL; buf.len()];
            let (mut total, mut intact) = (0u64, true);
            let mut header = [0u8; 8];
            // Batches until the client closes the connection.
            while conn.read_exact(&mut header).is_ok() {
                let mut left = u64::from_le_bytes(header);
                while left > 0 {
                    let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
                    let n = conn.read(&mut buf[..want]).expect("server read");
                    assert!(n > 0, "stream ended inside a batch");
                    intact &= buf[..n] == expected[..n]; // memcmp: keeps up with the socket
                    left -= n as u64;
                    total += n as u64;
                }
                conn.write_all(&[u8::from(intact)]).expect("server ack");
            }
            (total, intact)
        });
        let chunk = vec![FILL; CHUNK];
        let mut sent = 0u64;
        let mut ack = [0u8; 1];
        b.throughput_bytes(CHUNK as u64);
        b.iter_custom(|iters| {
            let bytes = iters * CHUNK as u64;
            client
                .write_all(&bytes.to_le_bytes())
                .expect("client write");
            let start = Instant::now();
            for _ in 0..iters {
                client.write_all(black_box(&chunk)).expect("client write");
            }
            client.read_exact(&mut ack).expect("server ack");
            let elapsed = start.elapsed();
            // After the clock stopped: every byte of the batch arrived unaltered.
            assert_eq!(ack[0], 1, "stream bytes altered");
            sent += bytes;
            elapsed
        });
        // Teardown: close the connection, stop the server, compare the totals.
        client.shutdown(Shutdown::Both).expect("shutdown");
        let (total, intact) = server.join().expect("server thread");
        assert_eq!(total, sent, "bytes lost in the stream");
        assert!(intact, "stream bytes altered");
    }
}

mod handshake {
    use super::crypto;
    use qudag_bench::{Bencher, black_box, qudag_bench};
    use qudag_suites::wire::handshake::{Identity, initiate, respond};

    /// A post-quantum handshake, both sides in-process: the initiator encapsulates to the
    /// responder's ML-KEM-768 key and signs the transcript with ML-DSA-65; the responder
    /// verifies the signature and decapsulates; both derive the session key with HKDF-SHA256.
    #[qudag_bench(tags = ["ml-kem", "ml-dsa", "post-quantum", "slow"])]
    fn pq(b: &mut Bencher) {
        let mut rng = crypto::rng(0x4a5d);
        let alice = Identity::generate(&mut rng);
        let bob = Identity::generate(&mut rng);
        let (alice_peer, bob_peer) = (alice.peer(), bob.peer());
        let handshake = |rng: &mut crypto::Rng| {
            let (hello, key_a) = initiate(&alice, &alice_peer.fingerprint, &bob_peer, rng);
            let key_b = respond(&bob, &bob_peer.fingerprint, &alice_peer, black_box(&hello))
                .expect("signature rejected");
            (key_a, key_b)
        };
        let (key_a, key_b) = handshake(&mut rng);
        assert_eq!(key_a, key_b, "the two sides derived different keys");
        b.iter(|| handshake(&mut rng));
        let (key_a, key_b) = handshake(&mut rng);
        assert_eq!(key_a, key_b, "the two sides derived different keys");
    }
}

qudag_bench::main!();
