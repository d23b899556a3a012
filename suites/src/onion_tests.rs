use super::*;

fn setup(hops: usize, seed: u64) -> (Vec<KemKeyPair>, Vec<Hop>, Rng) {
    let mut rng = crypto::rng(seed);
    let (keypairs, route) = random_route(hops, &mut rng);
    (keypairs, route, rng)
}

fn payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + 3) as u8).collect()
}

/// Peels hop by hop, checking the next-hop ids and the packet size at every layer.
fn peel_checked(keypairs: &[KemKeyPair], route: &[Hop], packet: &Packet) -> Vec<u8> {
    let mut current = packet.clone();
    for (i, kp) in keypairs.iter().enumerate() {
        assert_eq!(current.as_bytes().len(), PACKET_LEN, "layer {i}");
        assert_eq!(current.cell().len(), CELL_SIZE, "layer {i}");
        assert_eq!(current.header().len(), HEADER_LEN, "layer {i}");
        match peel(kp, &current).unwrap() {
            Peeled::Relay { next_hop, packet } => {
                assert!(i + 1 < keypairs.len(), "hop {i} is not the exit");
                assert_eq!(next_hop, route[i + 1].id, "next hop at layer {i}");
                current = packet;
            }
            Peeled::Exit { payload } => {
                assert_eq!(i + 1, keypairs.len(), "hop {i} is the exit too early");
                return payload;
            }
        }
    }
    panic!("no exit");
}

#[test]
fn peeling_all_hops_returns_the_payload() {
    for hops in 1..=MAX_HOPS {
        let (keypairs, route, mut rng) = setup(hops, hops as u64);
        let data = payload(1000 + hops);
        let packet = build(&route, &data, &mut rng);
        assert_eq!(
            peel_checked(&keypairs, &route, &packet),
            data,
            "{hops} hops"
        );
        let path: Vec<&KemKeyPair> = keypairs.iter().collect();
        assert_eq!(peel_path(&path, &packet).unwrap(), data, "{hops} hops");
    }
}

#[test]
fn empty_and_maximal_payloads_round_trip() {
    let (keypairs, route, mut rng) = setup(3, 11);
    for len in [0, 1, MAX_PAYLOAD] {
        let data = payload(len);
        let packet = build(&route, &data, &mut rng);
        assert_eq!(peel_checked(&keypairs, &route, &packet), data, "len {len}");
    }
}

#[test]
fn every_layer_is_exactly_the_cell_size() {
    // Same size whatever the route length, and at every layer (checked in peel_checked).
    for hops in [1, 4, MAX_HOPS] {
        let (keypairs, route, mut rng) = setup(hops, 20 + hops as u64);
        let packet = build(&route, b"x", &mut rng);
        assert_eq!(packet.as_bytes().len(), PACKET_LEN);
        assert_eq!(packet.cell().len(), CELL_SIZE);
        peel_checked(&keypairs, &route, &packet);
    }
    assert_eq!(CELL_SIZE, 4096);
}

#[test]
fn layers_share_no_bytes() {
    // The next hop's slot is re-encrypted, not just shifted: an observer cannot match a
    // hop's input to its output.
    let (keypairs, route, mut rng) = setup(3, 30);
    let packet = build(&route, b"unlinkable", &mut rng);
    let Peeled::Relay { packet: inner, .. } = peel(&keypairs[0], &packet).unwrap() else {
        panic!("first hop is a relay");
    };
    assert_ne!(
        inner.header()[..SLOT_LEN],
        packet.header()[SLOT_LEN..2 * SLOT_LEN]
    );
    assert_ne!(inner.cell(), packet.cell());
}

#[test]
fn tampered_cell_fails() {
    let (keypairs, route, mut rng) = setup(3, 40);
    let packet = build(&route, b"do not touch", &mut rng);
    for pos in [0, 1, CELL_SIZE / 2, CELL_SIZE - 1] {
        let mut bytes = packet.as_bytes().to_vec();
        bytes[HEADER_LEN + pos] ^= 0x01;
        let tampered = Packet::from_bytes(&bytes).unwrap();
        assert_eq!(
            peel(&keypairs[0], &tampered),
            Err(OnionError::CellAuthentication),
            "cell byte {pos}"
        );
    }
    // Tampering after the first hop is caught at the second.
    let Peeled::Relay { packet: inner, .. } = peel(&keypairs[0], &packet).unwrap() else {
        panic!("first hop is a relay");
    };
    let mut bytes = inner.into_bytes();
    bytes[PACKET_LEN - 1] ^= 0x80;
    let tampered = Packet::from_bytes(&bytes).unwrap();
    assert_eq!(
        peel(&keypairs[1], &tampered),
        Err(OnionError::CellAuthentication)
    );
}

#[test]
fn tampered_header_fails() {
    let (keypairs, route, mut rng) = setup(3, 50);
    let packet = build(&route, b"header", &mut rng);
    for pos in [
        KEM_CIPHERTEXT_LEN,     // sealed routing
        SLOT_LEN - 1,           // its tag
        SLOT_LEN + 5,           // the next hop's slot
        HEADER_LEN - 1,         // the filler
        KEM_CIPHERTEXT_LEN / 2, // the KEM ciphertext (implicit rejection)
    ] {
        let mut bytes = packet.as_bytes().to_vec();
        bytes[pos] ^= 0x10;
        let tampered = Packet::from_bytes(&bytes).unwrap();
        assert_eq!(
            peel(&keypairs[0], &tampered),
            Err(OnionError::HeaderAuthentication),
            "header byte {pos}"
        );
    }
}

#[test]
fn wrong_hop_key_fails() {
    let (keypairs, route, mut rng) = setup(3, 60);
    let stranger = KemKeyPair::generate(&mut rng);
    let packet = build(&route, b"not for you", &mut rng);
    assert_eq!(
        peel(&stranger, &packet),
        Err(OnionError::HeaderAuthentication)
    );
    // The second hop's key does not open the first layer either.
    assert_eq!(
        peel(&keypairs[1], &packet),
        Err(OnionError::HeaderAuthentication)
    );
    // Nor does the wrong order of the path.
    let path = [&keypairs[1], &keypairs[0], &keypairs[2]];
    assert_eq!(
        peel_path(&path, &packet),
        Err(OnionError::HeaderAuthentication)
    );
}

#[test]
fn path_mismatch_is_rejected() {
    let (keypairs, route, mut rng) = setup(2, 70);
    let packet = build(&route, b"short", &mut rng);
    // The path stops before the exit.
    assert_eq!(
        peel_path(&[&keypairs[0]], &packet),
        Err(OnionError::UnexpectedHop)
    );
    // The relay names a hop other than the path's next one.
    let stranger = KemKeyPair::generate(&mut rng);
    assert_eq!(
        peel_path(&[&keypairs[0], &stranger], &packet),
        Err(OnionError::UnexpectedHop)
    );
}

#[test]
fn invalid_inputs_are_rejected() {
    let (_, route, mut rng) = setup(MAX_HOPS, 80);
    assert_eq!(
        try_build(&[], b"x", &mut rng),
        Err(OnionError::RouteLength(0))
    );
    let mut long = route.clone();
    long.push(route[0].clone());
    assert_eq!(
        try_build(&long, b"x", &mut rng),
        Err(OnionError::RouteLength(MAX_HOPS + 1))
    );
    assert_eq!(
        try_build(&route, &payload(MAX_PAYLOAD + 1), &mut rng),
        Err(OnionError::PayloadTooLong(MAX_PAYLOAD + 1))
    );
    assert_eq!(
        Packet::from_bytes(&[0u8; PACKET_LEN - 1]),
        Err(OnionError::Length(PACKET_LEN - 1))
    );
}
