// The OpenLayers map of one sheet: tiles (docs/contracts.md) in a pixel projection over the
// sheet, and the markup layer.  Sheet coordinates are points with y down; OpenLayers' y goes up,
// so a sheet point (x, y) is the map coordinate (x, -y), and the sheet covers [0, -H, W, 0].

import OlMap from 'ol/Map.js';
import View from 'ol/View.js';
import TileLayer from 'ol/layer/Tile.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorImageLayer from 'ol/layer/VectorImage.js';
import TileImage from 'ol/source/TileImage.js';
import VectorSource from 'ol/source/Vector.js';
import TileGrid from 'ol/tilegrid/TileGrid.js';
import Projection from 'ol/proj/Projection.js';
import { defaults as defaultInteractions } from 'ol/interaction/defaults.js';
import { defaults as defaultControls } from 'ol/control/defaults.js';
import { getCenter } from 'ol/extent.js';

export const TILE = 256;

export const toMap = ([x, y]) => [x, -y];
export const toSheet = ([x, y]) => [round2(x), round2(-y)];
const round2 = (v) => Math.round(v * 100) / 100;

export function createMap({ target, sheet, tileUrl, onTileProgress }) {
  const W = sheet.width;
  const H = sheet.height;
  const extent = [0, -H, W, 0];
  const s0 = TILE / Math.max(W, H);
  const maxZoom = Math.max(0, sheet.max_zoom ?? 0);
  const resolutions = [];
  for (let z = 0; z <= maxZoom; z++) resolutions.push(1 / (s0 * 2 ** z));

  const projection = new Projection({ code: `sheet-${sheet.id}`, units: 'pixels', extent });
  const tileGrid = new TileGrid({ origin: [0, 0], resolutions, tileSize: TILE, extent });
  const source = new TileImage({
    projection,
    tileGrid,
    tileUrlFunction: (c) => tileUrl(c[0], c[1], c[2]),
    transition: 150,
    interpolate: true,
    wrapX: false,
  });
  // progress of the tiles in flight (shown in the status bar)
  let started = 0;
  let ended = 0;
  const tick = () => {
    if (ended >= started) {
      started = 0;
      ended = 0;
    }
    onTileProgress && onTileProgress(ended, started);
  };
  source.on('tileloadstart', () => {
    started += 1;
    tick();
  });
  source.on(['tileloadend', 'tileloaderror'], () => {
    ended += 1;
    tick();
  });

  // every coarser level is loaded too, down to zoom 0: its one tile (made with the sheet, so it
  // is ready at once) shows the whole sheet while the sharp tiles arrive
  const tiles = new TileLayer({ source, preload: Infinity, extent });
  const markupSource = new VectorSource({ wrapX: false });
  // markups render into an image that is moved and scaled while the view changes and redrawn
  // when it settles: thousands of markups stay smooth (benchmarks/bench_viewer.py)
  const markups = new VectorImageLayer({ source: markupSource, imageRatio: 1.5, renderBuffer: 200 });
  const sketchSource = new VectorSource({ wrapX: false });
  const sketch = new VectorLayer({ source: sketchSource, zIndex: 10 });

  const view = new View({
    projection,
    extent: [-W * 0.5, -H * 1.5, W * 1.5, H * 0.5],
    constrainOnlyCenter: true,
    center: getCenter(extent),
    resolution: resolutions[0],
    maxResolution: resolutions[0] * 4,
    minResolution: resolutions[resolutions.length - 1] / 4,
    constrainResolution: false,
    smoothResolutionConstraint: true,
  });

  const map = new OlMap({
    target,
    layers: [tiles, markups, sketch],
    view,
    controls: defaultControls({ zoom: false, rotate: false, attribution: false }),
    interactions: defaultInteractions({ altShiftDragRotate: false, pinchRotate: false, doubleClickZoom: false }),
    keyboardEventTarget: target,
    maxTilesLoading: 24,
  });
  const fit = (duration = 250) => view.fit(extent, { padding: [16, 16, 16, 16], duration });

  return { map, view, source, tiles, markups, markupSource, sketch, sketchSource, extent, resolutions, fit };
}

// Zoom so that a sheet rectangle [x0, y0, x1, y1] fills the view, not beyond the finest tiles.
export function zoomToSheetBox(ctx, box, { duration = 350, padding = 80 } = {}) {
  const [x0, y0, x1, y1] = box;
  const pad = Math.max(8, Math.max(x1 - x0, y1 - y0) * 0.15);
  const ext = [Math.min(x0, x1) - pad, -Math.max(y0, y1) - pad, Math.max(x0, x1) + pad, -Math.min(y0, y1) + pad];
  ctx.view.fit(ext, {
    padding: [padding, padding, padding, padding],
    duration,
    maxZoom: ctx.view.getZoomForResolution(ctx.resolutions[ctx.resolutions.length - 1] / 2),
  });
}

export function boxOfPoints(points) {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const [x, y] of points) {
    if (x < x0) x0 = x;
    if (y < y0) y0 = y;
    if (x > x1) x1 = x;
    if (y > y1) y1 = y;
  }
  return [x0, y0, x1, y1];
}
