"""The kit's geometry is the engine camera's: a camera sized in cells scales the logical board into 64x64."""

from arcengine import Camera

from arc_client.games import SUITE
from arc_client.games.kit import _Layout
from arc_client.games.play import act

SIZES = [(8, 8), (9, 13), (16, 10), (16, 15), (21, 10), (23, 23), (31, 31), (32, 30), (32, 32), (8, 32)]


def test_click_at_cell_centre_maps_back_to_the_cell_as_the_camera_does() -> None:
    for width, height in SIZES:
        layout = _Layout(width, height)
        assert layout.grid_w == width and layout.grid_h == height + layout.hud_rows and layout.hud_rows >= 1
        camera = Camera(0, 0, layout.grid_w, layout.grid_h)
        assert camera._calculate_scale_and_offset() == (layout.scale, layout.offset_x, layout.offset_y)
        for col in range(width):
            for row in range(height):
                x, y = layout.display_point((col, row))
                assert 0 <= x < 64 and 0 <= y < 64
                assert layout.cell_at(x, y) == (col, row)
                assert camera.display_to_grid(x, y) == (col, row)


def test_clicks_outside_the_board_map_to_no_cell() -> None:
    layout = _Layout(9, 13)
    assert layout.hud_top < layout.hud_bottom <= 64
    assert layout.cell_at(32, layout.hud_top) is None  # the HUD strip
    assert layout.offset_x > 0 and layout.cell_at(layout.offset_x - 1, 30) is None  # letterbox
    assert layout.cell_at(63, 63) is None


def test_every_level_renders_the_logical_board_through_its_camera() -> None:
    for cls in SUITE:
        game = cls(seed=0)
        act(game, 0)
        for level, puzzle in enumerate(game.puzzles):
            game.set_level(level)
            layout = _Layout(puzzle.width, puzzle.height)
            board = game.current_level.get_sprites()[0]
            assert board.pixels.shape == (puzzle.height, puzzle.width), f"{cls.NAME} level {level + 1}"
            assert (game.camera.width, game.camera.height) == (layout.grid_w, layout.grid_h)
            for cell in [(0, 0), (puzzle.width - 1, puzzle.height - 1)]:
                assert game.camera.display_to_grid(*game.display_point(puzzle, cell)) == cell
