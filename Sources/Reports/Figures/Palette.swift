/// Colors that stay distinct for readers with color-vision deficiencies (Okabe & Ito 2008), in
/// the order series take them.
public enum Palette {
    public static let colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]

    public static func color(_ index: Int) -> String { colors[index % colors.count] }

    public static let axis = "#333333"
    public static let grid = "#e5e5e5"
    public static let muted = "#777777"
}
