//! Drives a .wasm on wasmi (an interpreter built for embedded use) over a line protocol, so that
//! tests/interp/run_vectors.py can run the same checks on it as on wasm3.
//!   write ADDR HEX        -> ok            (bytes into linear memory)
//!   read ADDR LEN         -> HEX
//!   call NAME ARG...      -> RESULT | void (i32 results as unsigned decimal)
//! Any failure, a trap included, answers "error MESSAGE" and the driver goes on.
//! Usage: opaygo-wasmi-driver FILE.wasm
use std::io::{self, BufRead, Write};
use wasmi::core::ValType;
use wasmi::{Config, Engine, Instance, Linker, Memory, Module, Store, Val};

struct Driver {
    store: Store<()>,
    instance: Instance,
    memory: Memory,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Result<Vec<u8>, String> {
    if s.len() % 2 != 0 {
        return Err("odd hex length".into());
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(|e| e.to_string()))
        .collect()
}

impl Driver {
    fn new(wasm: &[u8]) -> Result<Driver, String> {
        // Strict MVP: every post-MVP feature wasmi knows is refused at validation.
        let mut config = Config::default();
        config
            .wasm_mutable_global(false)
            .wasm_sign_extension(false)
            .wasm_saturating_float_to_int(false)
            .wasm_multi_value(false)
            .wasm_multi_memory(false)
            .wasm_bulk_memory(false)
            .wasm_reference_types(false)
            .wasm_tail_call(false)
            .wasm_extended_const(false);
        let engine = Engine::new(&config);
        let module = Module::new(&engine, wasm).map_err(|e| e.to_string())?;
        let mut store = Store::new(&engine, ());
        let linker = Linker::<()>::new(&engine);
        let instance = linker
            .instantiate(&mut store, &module)
            .and_then(|pre| pre.start(&mut store))
            .map_err(|e| e.to_string())?;
        let memory = instance.get_memory(&store, "memory").ok_or("no exported memory")?;
        Ok(Driver { store, instance, memory })
    }

    fn memory_range(&self, addr: usize, len: usize) -> Result<std::ops::Range<usize>, String> {
        let size = self.memory.data(&self.store).len();
        match addr.checked_add(len) {
            Some(end) if end <= size => Ok(addr..end),
            _ => Err(format!("{addr}+{len} outside memory")),
        }
    }

    fn command(&mut self, line: &str) -> Result<String, String> {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["write", addr, data] => {
                let bytes = unhex(data)?;
                let addr: usize = addr.parse().map_err(|_| "bad address")?;
                let range = self.memory_range(addr, bytes.len())?;
                self.memory.data_mut(&mut self.store)[range].copy_from_slice(&bytes);
                Ok("ok".into())
            }
            ["read", addr, len] => {
                let addr: usize = addr.parse().map_err(|_| "bad address")?;
                let len: usize = len.parse().map_err(|_| "bad length")?;
                let range = self.memory_range(addr, len)?;
                Ok(hex(&self.memory.data(&self.store)[range]))
            }
            ["call", name, args @ ..] => self.call(name, args),
            _ => Err(format!("unknown command: {line}")),
        }
    }

    fn call(&mut self, name: &str, args: &[&str]) -> Result<String, String> {
        let func = self.instance.get_func(&self.store, name).ok_or(format!("no export {name}"))?;
        let ty = func.ty(&self.store);
        if ty.params().len() != args.len() {
            return Err(format!("{name} takes {} arguments", ty.params().len()));
        }
        let mut params = Vec::new();
        for (t, a) in ty.params().iter().zip(args) {
            let bad = |_| format!("bad argument {a}");
            params.push(match t {
                // Integers wrap as in C: 4294967295 and -1 are the same i32.
                ValType::I32 => Val::I32(a.parse::<i64>().map_err(bad)? as i32),
                ValType::I64 => Val::I64(a.parse::<i128>().map_err(|_| format!("bad argument {a}"))? as i64),
                ValType::F64 => Val::F64(a.parse::<f64>().map_err(|_| format!("bad argument {a}"))?.into()),
                ValType::F32 => Val::F32(a.parse::<f32>().map_err(|_| format!("bad argument {a}"))?.into()),
                _ => return Err("unsupported parameter type".into()),
            });
        }
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default(*t)).collect();
        func.call(&mut self.store, &params, &mut results).map_err(|e| format!("trap: {e}"))?;
        Ok(match results.first() {
            None => "void".into(),
            Some(Val::I32(v)) => (*v as u32).to_string(),
            Some(Val::I64(v)) => (*v as u64).to_string(),
            Some(Val::F64(v)) => format!("{:?}", f64::from(*v)),
            Some(Val::F32(v)) => format!("{:?}", f32::from(*v)),
            Some(_) => "unsupported result type".into(),
        })
    }
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: opaygo-wasmi-driver FILE.wasm");
    let wasm = std::fs::read(&path).expect("cannot read the .wasm");
    let mut driver = match Driver::new(&wasm) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("cannot instantiate {path}: {e}");
            std::process::exit(2);
        }
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for line in io::stdin().lock().lines() {
        let line = line.expect("stdin");
        let answer = driver.command(&line).unwrap_or_else(|e| format!("error {e}"));
        writeln!(out, "{answer}").and_then(|_| out.flush()).expect("stdout");
    }
}
