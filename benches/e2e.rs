//! QuDAG end-to-end suite: one message through the whole pipeline, on the real crates.
//!
//! Per iteration: the sender signs the message (ML-DSA-65); it travels through a 3-hop onion
//! route (build: an ML-KEM-768 encapsulation, HKDF-SHA256 and ChaCha20-Poly1305 per hop; then
//! each hop peels its layer); the receiver checks the signature against the sender's known key,
//! wraps the message into a DAG vertex that it signs, inserts it with full validation (id,
//! signature, parents) and runs QR-Avalanche-style consensus among 10 honest participants until
//! the vertex is final. Nothing is skipped or simulated with sleeps.
//!
//! The sender is named by the BLAKE3 hash of its public key: its full ML-DSA key (1,952 bytes)
//! and signature (3,309 bytes) would not fit an onion cell (4,094 payload bytes) together, so
//! the receiver looks the key up, as a node would in its peer directory.

mod pipeline {
    use qudag_bench::{Bencher, black_box, qudag_bench};
    use qudag_suites::consensus::{Params, finalize_batch};
    use qudag_suites::crypto::DsaSignature;
    use qudag_suites::crypto::{self, DsaKeyPair, KemKeyPair, rng};
    use qudag_suites::dag::{Dag, Signer};
    use qudag_suites::onion::{self, Hop};
    use qudag_suites::wire::Message;

    const SEED: u64 = 0x00e2_e000;

    /// Everything a message meets on its way, set up once.
    struct Network {
        sender: DsaKeyPair,
        sender_id: Vec<u8>,
        hops: Vec<KemKeyPair>,
        route: Vec<Hop>,
        node: Signer,
        dag: Dag,
        consensus: Params,
        rng: crypto::Rng,
        round: u64,
    }

    impl Network {
        fn new() -> Network {
            let mut r = rng(SEED);
            let sender = DsaKeyPair::generate(&mut r);
            let sender_id = crypto::hash(&sender.public().to_bytes()).to_vec();
            let (hops, route) = onion::random_route(3, &mut r);
            let node = Signer::generate(&mut r);
            let mut dag = Dag::new();
            dag.insert(node.vertex(Vec::new(), 0, b"genesis".to_vec()))
                .expect("genesis inserts");
            Network {
                sender,
                sender_id,
                hops,
                route,
                node,
                dag,
                consensus: Params::new(10, 0, SEED),
                rng: r,
                round: 0,
            }
        }

        /// One message from the sender to a final DAG vertex; returns what the receiver got.
        fn deliver(&mut self, payload: &[u8]) -> Vec<u8> {
            self.round += 1;
            // Sender: sign, frame as [length][message][signature], wrap in a 3-hop onion.
            let encoded =
                Message::new(self.sender_id.clone(), self.round, payload.to_vec()).encode();
            let signature = self.sender.sign(&encoded);
            let mut frame = (encoded.len() as u32).to_le_bytes().to_vec();
            frame.extend_from_slice(&encoded);
            frame.extend_from_slice(&signature.to_bytes());
            let packet = onion::build(&self.route, &frame, &mut self.rng);
            // Relays and exit: each peels its layer.
            let path: Vec<&KemKeyPair> = self.hops.iter().collect();
            let delivered = onion::peel_path(&path, &packet).expect("every hop peels");
            // Receiver: unframe, check the signature with the sender's known key.
            let (len, rest) = delivered.split_at(4);
            let (encoded, signature) =
                rest.split_at(u32::from_le_bytes(len.try_into().unwrap()) as usize);
            let signature = DsaSignature::from_bytes(signature).expect("well-formed signature");
            assert!(
                crypto::dsa_verify(self.sender.public(), encoded, &signature),
                "sender's signature verifies"
            );
            let message = Message::decode(encoded).expect("decodes");
            assert_eq!(message.sender, self.sender_id, "from the expected sender");
            // Into the DAG, fully validated, on the current tips; then consensus to finality.
            let vertex = self
                .node
                .vertex(self.dag.tips(), self.round, encoded.to_vec());
            let id = vertex.id;
            self.dag.insert(vertex).expect("the vertex validates");
            let finality =
                finalize_batch(&self.dag, &[id], &self.consensus).expect("vertex is in the DAG");
            assert!(
                finality.agreement && finality.finalised == 1 && finality.accepted == 1,
                "{finality:?}"
            );
            message.payload
        }
    }

    /// The whole pipeline for a message of `len` payload bytes.
    #[qudag_bench(args = [64, 512], tags = ["e2e", "post-quantum", "ml-kem", "ml-dsa", "slow"])]
    fn message(b: &mut Bencher, len: usize) {
        let mut net = Network::new();
        let payload: Vec<u8> = (0..len).map(|i| (i * 7 + 1) as u8).collect();
        // Check once outside the timed region: the payload arrives unchanged.
        assert_eq!(net.deliver(&payload), payload, "payload changed on the way");
        b.throughput_elements(1);
        b.iter(|| net.deliver(black_box(&payload)));
        // And the DAG still holds every delivered vertex in a valid order.
        let order = net.dag.topological_order();
        assert!(net.dag.is_topological(&order), "DAG order broken");
    }
}

qudag_bench::main!();
