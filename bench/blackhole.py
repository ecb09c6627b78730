#!/usr/bin/env python3
"""A TCP proxy that can stop answering: the target "goes silent" for bench/detect.sh.

Forwards 127.0.0.1:LISTEN to UPSTREAM. SIGUSR1: silent (bytes in either direction are swallowed
and new connections are accepted but never forwarded, as a hung host or a cut network looks to a
client: no reset, no answer). SIGUSR2: answering again (the silent connections are closed; new
ones forward). Usage: blackhole.py LISTEN_PORT UPSTREAM_HOST UPSTREAM_PORT
"""
import asyncio
import signal
import sys

LISTEN, HOST, PORT = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
state = {"silent": False}


async def pipe(reader, writer, conn):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            if state["silent"] or conn["silenced"]:
                conn["silenced"] = True
                continue
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def handle(client_reader, client_writer):
    conn = {"silenced": state["silent"], "writers": [client_writer]}
    registry[id(conn)] = conn
    try:
        if conn["silenced"]:
            # Accepted, never answered: read and drop until the client gives up or we are told to close.
            while await client_reader.read(65536):
                pass
            return
        up_reader, up_writer = await asyncio.open_connection(HOST, PORT)
        conn["writers"].append(up_writer)
        await asyncio.gather(pipe(client_reader, up_writer, conn), pipe(up_reader, client_writer, conn))
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        for w in conn["writers"]:
            try:
                w.close()
            except Exception:
                pass
        registry.pop(id(conn), None)


registry = {}


def silence():
    state["silent"] = True


def answer():
    state["silent"] = False
    for conn in list(registry.values()):
        if conn["silenced"]:
            for w in conn["writers"]:
                try:
                    w.transport.abort()
                except Exception:
                    pass


async def main():
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGUSR1, silence)
    loop.add_signal_handler(signal.SIGUSR2, answer)
    server = await asyncio.start_server(handle, "127.0.0.1", LISTEN)
    async with server:
        await server.serve_forever()


asyncio.run(main())
