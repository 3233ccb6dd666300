import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface SeriesSpec {
  readonly label: string;
  readonly color: string;
}

/**
 * A uPlot chart sized to its container. `data` is uPlot's columns: x first
 * (seconds since the epoch for time, or bin indexes), then one array per series.
 */
export function Chart({ title, series, data, bars, xLabels, yLabel }: {
  title: string;
  series: readonly SeriesSpec[];
  data: uPlot.AlignedData;
  bars?: boolean;
  /** Category names for a bar chart's x values 0…n-1. */
  xLabels?: readonly string[];
  yLabel?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const element = box.current;
    if (element === null) return undefined;
    const width = (): number => Math.max(240, element.clientWidth);
    const options: uPlot.Options = {
      width: width(),
      height: 200,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      // Bars: one category per x index, each labelled, with half a bar of room at either end.
      // A time axis over one point (or none) spans a minute either side, not uPlot's guess of years.
      scales: { x: bars ? { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] } : { time: true, range: (_u, min, max) => (min === max || min === null || max === null ? [(min ?? Date.now() / 1000) - 60, (max ?? Date.now() / 1000) + 60] : [min, max]) } },
      axes: [
        bars ? { splits: () => (xLabels ?? []).map((_, i) => i), values: (_u, splits) => splits.map((s) => xLabels?.[s] ?? '') } : {},
        { label: yLabel ?? '', size: 50 },
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          // Lines join minutes across gaps (a minute with no start has no queue time), and a lone minute shows as a dot.
          ...(bars ? { fill: s.color, paths: uPlot.paths.bars!({ size: [0.8, 60] }), points: { show: false } } : { spanGaps: true, points: { show: true, size: 5 } }),
        })),
      ],
    };
    plot.current = new uPlot(options, data, element);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: width(), height: 200 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [series.map((s) => s.label).join(), bars, (xLabels ?? []).join()]);

  useEffect(() => plot.current?.setData(data), [data]);

  return html`<figure class="chart"><figcaption>${title}</figcaption><div ref=${box} role="img" aria-label=${title}></div></figure>`;
}
