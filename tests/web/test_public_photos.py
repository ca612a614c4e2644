"""Report photos on the public site: downloaded from Telegram (the emulator serves files as
Telegram does) once the report is filed, re-encoded without EXIF or GPS, served with a
thumbnail; a hidden report's photos are not served."""

from __future__ import annotations

import asyncio
import io

import aiohttp
from PIL import Image

from citybot.services.pacing import Pacer
from citybot.testing import file_report, running_bot


def camera_photo() -> bytes:
    """A JPEG as a phone makes it: the camera's EXIF, the owner's name and a GPS position."""
    image = Image.new("RGB", (1200, 900), "#7a9")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x013B] = "Anastasia Vorontsova"  # Artist
    exif.get_ifd(0x8825).update({1: "N", 2: (56.0, 54.0, 12.5), 3: "E", 4: (39.0, 35.0, 2.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


async def get(base: str, path: str) -> tuple[int, bytes]:
    async with aiohttp.ClientSession() as client, client.get(base + path) as response:
        return response.status, await response.read()


async def test_photos_are_stored_without_metadata_and_served(emulator, sqlite_url, city_config,
                                                            staff_group, official,
                                                            tmp_path) -> None:
    config = city_config.model_copy(update={
        "web": city_config.web.model_copy(update={"photos_dir": tmp_path / "photos"})})
    original = camera_photo()
    assert b"Vorontsova" in original and Image.open(io.BytesIO(original)).getexif()
    anastasia = emulator.add_user("Anastasia", last_name="Vorontsova", username="vorontsova_a")
    async with running_bot(api_url=emulator.url, token=emulator.token, database_url=sqlite_url,
                           config=config, staff_chat_id=staff_group.id,
                           web_listen="127.0.0.1:0") as bot:
        bot.courier.pacer = Pacer(per_chat_interval=0.05, per_group_per_minute=10_000)
        base = f"http://127.0.0.1:{bot.web_port}"
        number = await file_report(emulator, anastasia, "Fallen tree across the path",
                                   category="greenery", photos=[original])
        for _ in range(100):
            status, full = await get(base, f"/photos/{number}/0.jpg")
            if status == 200:
                break
            await asyncio.sleep(0.1)
        assert status == 200
        status, thumb = await get(base, f"/photos/{number}/0-thumb.jpg")
        assert status == 200
        for data, side in ((full, 1200), (thumb, 320)):
            image = Image.open(io.BytesIO(data))
            assert image.format == "JPEG" and max(image.size) == side
            assert not image.getexif() and "exif" not in image.info
            for secret in (b"Vorontsova", b"Anastasia", b"vorontsova_a", b"PhoneMaker"):
                assert secret not in data
        page = (await get(base, f"/reports/{number}"))[1].decode()
        assert f'src="/photos/{number}/0-thumb.jpg"' in page
        assert (await get(base, f"/photos/{number}/1.jpg"))[0] == 404

        emulator.send_text(official, f"/hide {number}", chat=staff_group)
        await emulator.wait_for_message(staff_group, contains="скрыто от публики")  # group
        assert (await get(base, f"/photos/{number}/0.jpg"))[0] == 404
        assert (await get(base, f"/photos/{number}/0-thumb.jpg"))[0] == 404
