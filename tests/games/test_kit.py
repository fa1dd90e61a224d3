"""The kit's click geometry agrees with the engine's camera for every board size."""

from arcengine import Camera

from arc_client.games.kit import _Layout


def test_click_at_cell_centre_maps_back_to_the_cell_as_the_camera_does() -> None:
    for width, height in [(8, 8), (9, 13), (16, 10), (23, 23), (32, 30), (32, 32)]:
        layout = _Layout(width, height)
        camera = Camera(0, 0, layout.canvas_w, layout.canvas_h)
        for col in range(width):
            for row in range(height):
                x, y = layout.display_point((col, row))
                assert 0 <= x < 64 and 0 <= y < 64
                assert layout.cell_at(x, y) == (col, row)
                px, py = camera.display_to_grid(x, y) or (-1, -1)
                assert (px // layout.scale, py // layout.scale) == (col, row)


def test_clicks_outside_the_board_map_to_no_cell() -> None:
    layout = _Layout(9, 13)
    hud_y = layout.offset_y + (layout.board_h + 1) * layout.zoom
    assert layout.cell_at(32, hud_y) is None
    assert layout.offset_x > 0 and layout.cell_at(layout.offset_x - 1, 30) is None  # letterbox
    assert layout.cell_at(63, 63) is None
