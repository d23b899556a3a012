use qudag_bench::{Bencher, qudag_bench};

fn wrong_type() -> bool {
    true
}

#[qudag_bench(requires = "ipv6")]
fn a_string(b: &mut Bencher) {
    b.iter(|| 1);
}

#[qudag_bench(requires = [qudag_bench::requires::ipv6, wrong_type])]
fn a_function_of_another_type(b: &mut Bencher) {
    b.iter(|| 1);
}

qudag_bench::main!();
