//! A load client that costs little CPU, as wrk does: one keep-alive connection per worker,
//! each request written as raw HTTP/1.1 bytes into a reused buffer, each answer read by its
//! `content-length`. The servers under test share the machine's cores with it, so every µs it
//! spends is one they cannot; reqwest spent about 25 µs a request here.

use std::io::Write;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One connection to the server under test.
pub struct Connection {
    stream: TcpStream,
    host: String,
    request: Vec<u8>,
    answer: Vec<u8>,
}

/// A server's answer: its status and body.
pub struct Answer<'a> {
    /// The HTTP status code.
    pub status: u16,
    /// The body, as sent.
    pub body: &'a [u8],
}

impl Connection {
    /// Connects to `host` (`127.0.0.1:PORT`).
    pub async fn open(host: &str) -> std::io::Result<Connection> {
        let stream = TcpStream::connect(host).await?;
        stream.set_nodelay(true)?;
        Ok(Connection {
            stream,
            host: host.to_owned(),
            request: Vec::with_capacity(2048),
            answer: Vec::with_capacity(2048),
        })
    }

    /// POSTs `body` to `path` with `headers`, and reads the whole answer.
    pub async fn post(
        &mut self,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Answer<'_>> {
        self.request.clear();
        write!(
            self.request,
            "POST {path} HTTP/1.1\r\nhost: {}\r\ncontent-length: {}\r\n",
            self.host,
            body.len()
        )?;
        for (name, value) in headers {
            write!(self.request, "{name}: {value}\r\n")?;
        }
        self.request.extend_from_slice(b"\r\n");
        self.request.extend_from_slice(body);
        self.stream.write_all(&self.request).await?;
        self.answer.clear();
        loop {
            if self.answer.capacity() - self.answer.len() < 1024 {
                self.answer.reserve(4096);
            }
            if self.stream.read_buf(&mut self.answer).await? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            if let Some((status, start, length)) = head(&self.answer)?
                && self.answer.len() >= start + length
            {
                return Ok(Answer {
                    status,
                    body: &self.answer[start..start + length],
                });
            }
        }
    }
}

/// The status, where the body starts and its length, once the head has arrived.
fn head(bytes: &[u8]) -> std::io::Result<Option<(u16, usize, usize)>> {
    let invalid =
        |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut response = httparse::Response::new(&mut headers);
    match response.parse(bytes) {
        Ok(httparse::Status::Complete(start)) => {
            let length = response
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                .and_then(|h| std::str::from_utf8(h.value).ok()?.trim().parse().ok())
                .ok_or_else(|| invalid("an answer without content-length"))?;
            let status = response.code.ok_or_else(|| invalid("no status"))?;
            Ok(Some((status, start, length)))
        }
        Ok(httparse::Status::Partial) => Ok(None),
        Err(e) => Err(invalid(&e.to_string())),
    }
}
